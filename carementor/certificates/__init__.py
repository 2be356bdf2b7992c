"""Completion rules, verifiable certificates and CPD logs."""

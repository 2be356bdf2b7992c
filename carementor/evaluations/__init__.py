"""Evaluation and outcomes: instruments, surveys at milestones, anonymity, analytics."""

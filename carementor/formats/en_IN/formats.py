from django.conf.locale.en_GB.formats import *  # noqa: F403

# 1,23,45,678: three digits, then twos (lakh, crore). Dates as in British English (7 December 2026).
NUMBER_GROUPING = (3, 2, 0)
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."

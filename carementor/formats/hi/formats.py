from django.conf.locale.hi.formats import *  # noqa: F403

# 1,23,45,678: three digits, then twos (lakh, crore).
NUMBER_GROUPING = (3, 2, 0)
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."

"""Locale formats that Django's own lack: Indian digit grouping (12,34,567: lakh and crore)
for Hindi and English (India). Read through ``FORMAT_MODULE_PATH``; numbers are grouped where
a template asks for it (``intcomma``), never in values a form or URL reads back."""

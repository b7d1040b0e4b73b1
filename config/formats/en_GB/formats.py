# GOV.UK style: "22 November 2026". Django's own en_GB formats abbreviate the month.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"

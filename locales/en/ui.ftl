# The console: status words, pane titles, key bar, help, dialogs.
# Ids: area-thing. Values by name ({ $name }); see locales/GLOSSARY.md for the Chinese terms.

status-ok = OK
status-warn = WARN
status-unknown = UNKNOWN
status-fail = FAIL

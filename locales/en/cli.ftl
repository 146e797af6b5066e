# cli texts in English. See locales/en/ui.ftl for the conventions.

# Recovery actions: titles, previews, results (actions/).
# See locales/GLOSSARY.md.

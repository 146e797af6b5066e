# cli 的中文文本。术语见 locales/GLOSSARY.md。

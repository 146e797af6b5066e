# 控制台：状态词、窗格标题、按键栏、帮助、对话框。术语见 locales/GLOSSARY.md。

status-ok = 正常
status-warn = 警告
status-unknown = 未知
status-fail = 故障

# Findings about the proxy, storage and integration (diagnose/rules/{proxy,storage,integration}.rs).
# Ids: finding-<id>-title / -why / -next-N, ev-<what>. See locales/GLOSSARY.md.

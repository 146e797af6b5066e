# The runbook walkthrough, the why-chain, hop reasons (diagnose/{walk,why,mod}.rs, probe/).
# See locales/GLOSSARY.md.

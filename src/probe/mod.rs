//! probe (filled in below).

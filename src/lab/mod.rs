//! lab (filled in below).

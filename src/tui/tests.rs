//! Snapshot tests of the console (filled below).

//! Typst writer (being written).

//! Test PKI and signed fixtures (feature `testkit`).

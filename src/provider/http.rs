//! Shared HTTP client and error classification.

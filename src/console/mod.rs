//! The cashier console.

//! Labels and messages of the cashier console.

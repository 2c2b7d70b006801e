//! The simulator: both providers' wire formats on loopback.

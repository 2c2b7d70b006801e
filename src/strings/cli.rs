//! Messages of the headless commands.

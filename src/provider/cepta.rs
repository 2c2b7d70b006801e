//! Cepta (Kenya, KES).

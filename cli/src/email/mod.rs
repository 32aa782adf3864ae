//! Email's I/O for the scheduler: where the operator's configuration is read from, and
//! [`smtp::SmtpPostman`], the seam `workflows::ops::email` sends through (lettre over rustls with
//! the ring provider; the report's PDF and CSV from `report_doc`).

pub mod smtp;

use engine::Failure;
use std::path::{Path, PathBuf};
use workflows::email::config::{self, OperatorConfig};

/// The operator's configuration: `--config`, else `$CONCORDAT_CONFIG`, else
/// `/etc/concordat/concordat.toml` if it exists, else none (no email).
pub fn load(given: Option<&Path>) -> Result<Option<OperatorConfig>, Failure> {
    let named = given.map(Path::to_path_buf).or_else(|| {
        std::env::var_os("CONCORDAT_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    match named {
        Some(path) => config::load(&path).map(Some),
        None => {
            let default = Path::new(config::DEFAULT_PATH);
            if default.exists() {
                config::load(default).map(Some)
            } else {
                Ok(None)
            }
        }
    }
}

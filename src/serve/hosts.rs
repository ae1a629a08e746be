//! Which `Host` names the preview answers to, on every address it listens on: a web page
//! elsewhere could otherwise point a name of its own at this machine (DNS rebinding) and read
//! the unpublished drafts through the visitor's browser.
//!
//! Accepted are `localhost` (and `*.localhost`), IP addresses of this machine, the machine's
//! own name (plain and as `NAME.local`) and every name given with `--host NAME`.

use std::collections::BTreeSet;
use std::net::{IpAddr, UdpSocket};

/// The accepted host names.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    names: BTreeSet<String>,
}

impl AllowedHosts {
    /// The machine's own names plus `extra` (from `--host`).
    pub fn new(extra: &[String]) -> Self {
        let mut names: BTreeSet<String> = extra
            .iter()
            .map(|name| normalise(name))
            .filter(|name| !name.is_empty())
            .collect();
        if let Some(own) = hostname() {
            let own = normalise(&own);
            if !own.is_empty() {
                names.insert(format!("{own}.local"));
                names.insert(own);
            }
        }
        Self { names }
    }

    /// The names given or found, for the refusal page.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// Whether a request with this `Host` header (none for HTTP/1.0) may be answered.
    pub fn allows(&self, host: Option<&str>) -> bool {
        let Some(host) = host else {
            // HTTP/1.0 without Host: no browser sends that, so no page can rebind it.
            return true;
        };
        let name = if let Some(rest) = host.strip_prefix('[') {
            rest.split(']').next().unwrap_or_default()
        } else {
            host.rsplit_once(':').map_or(host, |(name, _)| name)
        };
        let name = normalise(name);
        if name == "localhost" || name.ends_with(".localhost") || self.names.contains(&name) {
            return true;
        }
        name.parse::<IpAddr>().is_ok_and(is_own_address)
    }
}

fn normalise(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether `ip` is an address of this machine: only those can be bound.
fn is_own_address(ip: IpAddr) -> bool {
    ip.is_loopback() || UdpSocket::bind((ip, 0)).is_ok()
}

#[cfg(unix)]
fn hostname() -> Option<String> {
    let mut buffer = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let result = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
    if result != 0 {
        return None;
    }
    let end = buffer.iter().position(|b| *b == 0).unwrap_or(buffer.len());
    String::from_utf8(buffer.get(..end)?.to_vec()).ok()
}

#[cfg(not(unix))]
fn hostname() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_names_and_given_ones_pass_others_do_not() {
        let hosts = AllowedHosts::new(&["vorschau.jobcenter.example".to_string()]);
        for (host, ok) in [
            ("127.0.0.1:3000", true),
            ("localhost:3000", true),
            ("LOCALHOST", true),
            ("[::1]:3000", true),
            ("vorschau.jobcenter.example:3000", true),
            ("evil.example:3000", false),
            ("evil.example", false),
            ("192.0.2.7:3000", false),
            ("[2001:db8::1]:80", false),
        ] {
            assert_eq!(hosts.allows(Some(host)), ok, "{host}");
        }
        if let Some(own) = hostname() {
            assert!(hosts.allows(Some(&format!("{own}:3000"))), "{own}");
        }
    }
}

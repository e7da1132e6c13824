//! Where the worker's webhook posts may connect: the address checked is the address
//! connected to (see `techmatch_core::services::webhook_addresses`).
//!
//! reqwest resolves a host name through [`GuardedResolver`], which keeps only the
//! addresses the policy permits, so a name that resolved to a public address when the
//! webhook was registered and resolves to a private one now (DNS rebinding) finds
//! nothing to connect to. A literal address in the URL is never resolved, so
//! [`check_literal_host`] checks it before the request is made.

use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use techmatch_core::services::webhook_addresses::AddressPolicy;

/// A webhook's host is, or resolves only to, addresses the policy refuses.
#[derive(Debug, thiserror::Error)]
#[error("address not allowed")]
pub struct AddressRefused;

/// Resolves host names for webhook posts, dropping every address the policy refuses.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    reach: AddressPolicy,
}

impl GuardedResolver {
    pub fn new(reach: AddressPolicy) -> GuardedResolver {
        GuardedResolver { reach }
    }

    /// The permitted addresses of `host`.
    ///
    /// # Errors
    /// The resolver's error, or [`AddressRefused`] when no address is permitted.
    pub async fn permitted(
        &self,
        host: &str,
    ) -> Result<Vec<SocketAddr>, Box<dyn StdError + Send + Sync>> {
        let resolved = tokio::net::lookup_host((host, 0)).await?;
        let permitted: Vec<SocketAddr> = resolved
            .filter(|address| self.reach.permits(address.ip()))
            .collect();
        if permitted.is_empty() {
            return Err(Box::new(AddressRefused));
        }
        Ok(permitted)
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let permitted = resolver.permitted(&host).await?;
            let addrs: Addrs = Box::new(permitted.into_iter());
            Ok(addrs)
        })
    }
}

/// Refuses a URL whose host is a literal address the policy refuses: such a host
/// never reaches the resolver.
///
/// # Errors
/// [`AddressRefused`].
pub fn check_literal_host(reach: &AddressPolicy, url: &reqwest::Url) -> Result<(), AddressRefused> {
    let literal = match url.host() {
        Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        _ => None,
    };
    match literal {
        Some(address) if !reach.permits(address) => Err(AddressRefused),
        _ => Ok(()),
    }
}

/// Whether `error`, or any error it was caused by, is an [`AddressRefused`].
pub fn is_refused(error: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<AddressRefused>() {
            return true;
        }
        current = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use techmatch_core::services::webhook_addresses::parse_range;

    #[tokio::test]
    async fn a_name_resolving_to_loopback_finds_nothing_to_connect_to() {
        let guarded = GuardedResolver::new(AddressPolicy::default());
        let refused = guarded.permitted("localhost").await.unwrap_err();
        assert!(is_refused(refused.as_ref()), "{refused}");
        let allowed = GuardedResolver::new(AddressPolicy::allowing(vec![
            parse_range("127.0.0.0/8").unwrap(),
            parse_range("::1").unwrap(),
        ]));
        let addresses = allowed.permitted("localhost").await.unwrap();
        assert!(
            addresses.iter().all(|a| a.ip().is_loopback()),
            "{addresses:?}"
        );
    }

    #[tokio::test]
    async fn the_client_refuses_to_connect_to_a_name_resolving_to_a_listening_loopback_port() {
        // Something listens on the loopback port: only the check stands between the
        // post and it.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let client =
            crate::server::notifications::delivery::webhook_client(None, AddressPolicy::default())
                .unwrap();
        let error = client
            .post(format!("http://localhost:{port}/hook"))
            .send()
            .await
            .unwrap_err();
        assert!(is_refused(&error), "{error:?}");
    }

    #[test]
    fn literal_hosts_are_checked_before_any_request() {
        let reach = AddressPolicy::default();
        for url in [
            "https://127.0.0.1:8443/x",
            "https://[::1]/x",
            "https://[::ffff:192.168.1.1]/x",
            "https://10.1.2.3/x",
        ] {
            let url = reqwest::Url::parse(url).unwrap();
            assert!(check_literal_host(&reach, &url).is_err(), "{url}");
        }
        for url in ["https://1.1.1.1/x", "https://hooks.example.cn/x"] {
            let url = reqwest::Url::parse(url).unwrap();
            assert!(check_literal_host(&reach, &url).is_ok(), "{url}");
        }
    }
}

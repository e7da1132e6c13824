//! Which network addresses a webhook may reach.
//!
//! A webhook is a URL typed by any member of an organisation, and the platform posts to
//! it from inside the bureau's network. Without a limit, a member could point one at
//! the platform's own loopback port or at a host of the bureau's intranet and use the
//! outbox as a scanner. So a webhook's host must resolve to public addresses only:
//! loopback, private (RFC 1918), link-local, carrier-grade NAT, unique-local,
//! multicast, unspecified and other reserved addresses are refused. The host is checked
//! when the webhook is registered ([`AddressPolicy::check_url`]) and again by the
//! delivering worker on the very address it connects to, so that a name that resolves
//! to a public address at registration and to a private one later (DNS rebinding) is
//! refused at delivery.
//!
//! An intranet deployment whose receivers live on a private network names those
//! ranges: the operator flag `--webhook-allow-private` (for example `10.20.0.0/16`)
//! builds an [`AddressPolicy`] that permits them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use ipnet::IpNet;

use crate::{CoreError, CoreResult, t};

/// How long registration waits for the host's name to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// The addresses webhooks may reach: every public one, plus the private ranges the
/// operator named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    allowed_private: Vec<IpNet>,
}

impl AddressPolicy {
    /// A policy permitting public addresses and, besides them, `allowed_private`.
    pub fn allowing(allowed_private: Vec<IpNet>) -> AddressPolicy {
        AddressPolicy { allowed_private }
    }

    /// The private ranges this policy permits.
    pub fn allowed_private(&self) -> &[IpNet] {
        &self.allowed_private
    }

    /// Whether a webhook may connect to `address`.
    pub fn permits(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        !is_internal(address) || self.allowed_private.iter().any(|n| n.contains(&address))
    }

    /// Checks the host of a webhook URL (already parsed and normalised by
    /// `webhooks::check_url`): a literal address must be permitted, and so must every
    /// address a name resolves to now. A name that does not resolve is accepted: the
    /// delivering worker resolves it again and refuses what it may not reach.
    ///
    /// # Errors
    /// `Invalid` on the field `url` when the host is or resolves to an address this
    /// policy refuses.
    pub async fn check_url(&self, url: &url::Url) -> CoreResult<()> {
        let refused = || CoreError::invalid("url", t!("webhook-url-internal"));
        let port = url.port_or_known_default().unwrap_or(443);
        let name = match url.host() {
            Some(url::Host::Ipv4(v4)) => {
                return self
                    .permits(IpAddr::V4(v4))
                    .then_some(())
                    .ok_or_else(refused);
            }
            Some(url::Host::Ipv6(v6)) => {
                return self
                    .permits(IpAddr::V6(v6))
                    .then_some(())
                    .ok_or_else(refused);
            }
            Some(url::Host::Domain(name)) => name,
            None => return Err(CoreError::invalid("url", t!("webhook-url-invalid"))),
        };
        let resolved =
            tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((name, port))).await;
        let Ok(Ok(addresses)) = resolved else {
            return Ok(());
        };
        for address in addresses {
            if !self.permits(address.ip()) {
                return Err(refused());
            }
        }
        Ok(())
    }
}

/// Parses one range the operator allows: a CIDR (`10.20.0.0/16`, `fd00::/8`) or a
/// single address.
///
/// # Errors
/// A message naming the text that is neither.
pub fn parse_range(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("not an address range (CIDR): {text}"))
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Whether `address` is not a public unicast address of the internet.
pub fn is_internal(address: IpAddr) -> bool {
    match canonical(address) {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn is_internal_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    v4.is_unspecified()
        || a == 0 // "this network"
        || v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT, 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking, 198.18.0.0/15
        || v4.is_multicast()
        || a >= 240 // reserved, and the broadcast address
        || v4.is_documentation()
}

fn is_internal_v6(v6: Ipv6Addr) -> bool {
    let segments = v6.segments();
    // Addresses that carry an IPv4 address: NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
    // reach whatever the IPv4 address is.
    let embedded_v4 = |high: u16, low: u16| {
        let [h1, h2] = high.to_be_bytes();
        let [l1, l2] = low.to_be_bytes();
        Ipv4Addr::new(h1, h2, l1, l2)
    };
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_internal_v4(embedded_v4(segments[6], segments[7]));
    }
    if segments[0] == 0x2002 {
        return is_internal_v4(embedded_v4(segments[1], segments[2]));
    }
    v6.is_unspecified()
        || v6.is_loopback()
        || segments[..6] == [0, 0, 0, 0, 0, 0] // IPv4-compatible, deprecated
        || (segments[0] & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (segments[0] & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0 // site-local, deprecated
        || v6.is_multicast()
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_refused_and_public_ones_permitted() {
        let policy = AddressPolicy::default();
        for internal in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "198.18.0.1",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::127.0.0.1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
        ] {
            assert!(!policy.permits(ip(internal)), "{internal}");
        }
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "101.227.0.1",
            "100.128.0.1",
            "172.32.0.1",
            "2400:3200::1",
            "::ffff:101.227.0.1",
            "64:ff9b::808:808",
        ] {
            assert!(policy.permits(ip(public)), "{public}");
        }
    }

    #[test]
    fn the_operator_opens_named_private_ranges_only() {
        let policy = AddressPolicy::allowing(vec![
            parse_range("10.20.0.0/16").unwrap(),
            parse_range("::1").unwrap(),
        ]);
        assert!(policy.permits(ip("10.20.3.4")));
        assert!(policy.permits(ip("::ffff:10.20.3.4")));
        assert!(policy.permits(ip("::1")));
        assert!(!policy.permits(ip("10.21.0.1")));
        assert!(!policy.permits(ip("127.0.0.1")));
        assert!(!policy.permits(ip("192.168.0.1")));
        assert!(parse_range("10.20.0.0/33").is_err());
        assert!(parse_range("intranet").is_err());
    }

    #[tokio::test]
    async fn registration_refuses_literal_and_resolved_internal_hosts() {
        let policy = AddressPolicy::default();
        for url in [
            "https://127.0.0.1:8443/hook",
            "https://[::1]/hook",
            "https://10.0.0.7/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://localhost:9/hook",
            "https://0x7f000001/hook",
        ] {
            let parsed = url::Url::parse(url).unwrap();
            let error = policy.check_url(&parsed).await.unwrap_err();
            assert!(
                matches!(error, CoreError::Invalid { field: "url", .. }),
                "{url}: {error}"
            );
        }
        let loopback = AddressPolicy::allowing(vec![
            parse_range("127.0.0.0/8").unwrap(),
            parse_range("::1").unwrap(),
        ]);
        let local = url::Url::parse("https://127.0.0.1:8443/hook").unwrap();
        assert!(loopback.check_url(&local).await.is_ok());
        let public = url::Url::parse("https://1.1.1.1/hook").unwrap();
        assert!(policy.check_url(&public).await.is_ok());
    }
}

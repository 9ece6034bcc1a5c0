//! Webhook addresses.

use super::*;

/// Why an address may not be called, if it may not: loopback, private, link-local, the
/// cloud metadata service, and other addresses that do not lead to the internet.
/// `allow_loopback` admits loopback only (local tests).
pub fn forbidden_address(ip: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4, allow_loopback),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4, allow_loopback);
            }
            let seg = v6.segments();
            if v6.is_loopback() {
                (!allow_loopback).then_some("a loopback address")
            } else if v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
                Some("the metadata service")
            } else if v6.is_unspecified() || v6.is_multicast() {
                Some("not a host address")
            } else if seg[0] & 0xfe00 == 0xfc00 {
                Some("a private address")
            } else if seg[0] & 0xffc0 == 0xfe80 {
                Some("a link-local address")
            } else if seg[0] == 0x64 && seg[1] == 0xff9b {
                // NAT64 embeds an IPv4 address in the last 32 bits.
                forbidden_v4(
                    Ipv4Addr::new(
                        (seg[6] >> 8) as u8,
                        seg[6] as u8,
                        (seg[7] >> 8) as u8,
                        seg[7] as u8,
                    ),
                    allow_loopback,
                )
            } else {
                None
            }
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr, allow_loopback: bool) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_loopback() {
        (!allow_loopback).then_some("a loopback address")
    } else if o == [169, 254, 169, 254] || o == [100, 100, 100, 200] {
        Some("the metadata service")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_private() || (o[0] == 100 && (o[1] & 0xc0) == 64) {
        Some("a private address")
    } else if ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || o[0] == 0
        || o[0] >= 240
    {
        Some("not a host address")
    } else {
        None
    }
}

/// A webhook URL the console may call: HTTPS (plain HTTP only to loopback when
/// `allow_loopback`), no credentials, and a host that is not a forbidden address or a
/// local name. Names are resolved again at each call, and every address they resolve
/// to is checked the same way.
pub fn webhook_url(raw: &str, allow_loopback: bool) -> Result<String, String> {
    let raw = raw.trim();
    if raw.len() > 2000 {
        return Err("must be at most 2000 characters".into());
    }
    let url = url::Url::parse(raw).map_err(|_| "must be an absolute https:// URL".to_string())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    let host = url.host().ok_or_else(|| "must name a host".to_string())?;
    let literal = match host {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost"
                || name.ends_with(".localhost")
                || name.ends_with(".local")
                || name.ends_with(".internal")
                || !name.contains('.')
            {
                return Err("must be a public host name".into());
            }
            None
        }
    };
    let loopback_literal = literal.is_some_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if allow_loopback && loopback_literal => {}
        _ => return Err("must be an https:// URL".into()),
    }
    if let Some(ip) = literal {
        if let Some(why) = forbidden_address(ip, allow_loopback) {
            return Err(format!("must not point to {why}"));
        }
    }
    Ok(url.to_string())
}

//! What a packet capture of one hop's port says: the `capture:HOP` action records the hop's
//! traffic with tcpdump (a pcap file) while it makes its own connection attempts, and this
//! reads the file into counts — SYNs sent and retransmitted, SYN-ACKs, RSTs, ICMP
//! unreachables — and one line a person can act on ("3 SYN sent, no SYN-ACK: dropped before
//! the service"). The file is read bounded ([`MAX_FILE`]); any link type tcpdump writes for
//! an interface of this box (Ethernet for `lo`, Linux cooked v1/v2 for `any`, raw IP) is
//! understood.

use crate::tr;
use chrono::{DateTime, Utc};
use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use serde::{Deserialize, Serialize};

/// Largest capture file read (the action stops tcpdump at 200 packets anyway).
pub const MAX_FILE: u64 = 4 * 1024 * 1024;

/// The counts of one capture and their meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureSummary {
    /// The hop captured.
    pub hop: String,
    /// `addr:port` the attempts went to.
    pub target: String,
    /// When the capture ended.
    pub at: DateTime<Utc>,
    /// Packets read.
    pub packets: usize,
    /// SYNs towards the port (first sends).
    pub syn: usize,
    /// SYNs sent again for the same connection (retransmissions).
    pub syn_retransmitted: usize,
    /// SYN-ACKs from the port.
    pub syn_ack: usize,
    /// RSTs from the port.
    pub rst: usize,
    /// ICMP / ICMPv6 destination unreachable messages.
    pub icmp_unreachable: usize,
    /// One line: what the packets say.
    pub verdict: String,
}

/// Read a pcap file written by tcpdump for `port`.
pub fn summarize_file(
    path: &std::path::Path,
    hop: &str,
    target: &str,
    port: u16,
) -> Result<CaptureSummary, String> {
    use std::io::Read;
    let f = std::fs::File::open(path)
        .map_err(|e| tr!("capture-unreadable", path = path.display(), error = e))?;
    let mut data = Vec::new();
    f.take(MAX_FILE)
        .read_to_end(&mut data)
        .map_err(|e| tr!("capture-unreadable", path = path.display(), error = e))?;
    summarize(&data, hop, target, port)
}

/// Count what a pcap (its bytes) holds for `port`.
pub fn summarize(
    data: &[u8],
    hop: &str,
    target: &str,
    port: u16,
) -> Result<CaptureSummary, String> {
    use pcap_file::DataLink;
    let mut r =
        pcap_file::pcap::PcapReader::new(data).map_err(|e| tr!("capture-not-pcap", error = e))?;
    let link = r.header().datalink;
    let mut s = CaptureSummary {
        hop: hop.to_string(),
        target: target.to_string(),
        at: Utc::now(),
        packets: 0,
        syn: 0,
        syn_retransmitted: 0,
        syn_ack: 0,
        rst: 0,
        icmp_unreachable: 0,
        verdict: String::new(),
    };
    let mut seen: std::collections::HashSet<(u16, u32)> = std::collections::HashSet::new();
    while let Some(p) = r.next_packet() {
        // A capture cut short (tcpdump killed mid-write) ends at its last whole packet.
        let Ok(p) = p else { break };
        s.packets += 1;
        let sliced = match link {
            DataLink::ETHERNET => SlicedPacket::from_ethernet(&p.data).ok(),
            DataLink::LINUX_SLL => SlicedPacket::from_linux_sll(&p.data).ok(),
            DataLink::LINUX_SLL2 => p.data.get(20..).and_then(|d| SlicedPacket::from_ip(d).ok()),
            DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => SlicedPacket::from_ip(&p.data).ok(),
            _ => None,
        };
        let Some(sp) = sliced else { continue };
        match (&sp.net, &sp.transport) {
            (_, Some(TransportSlice::Tcp(t))) => {
                if t.destination_port() == port && t.syn() && !t.ack() {
                    if seen.insert((t.source_port(), t.sequence_number())) {
                        s.syn += 1;
                    } else {
                        s.syn_retransmitted += 1;
                    }
                } else if t.source_port() == port && t.syn() && t.ack() {
                    s.syn_ack += 1;
                } else if t.source_port() == port && t.rst() {
                    s.rst += 1;
                }
            }
            (_, Some(TransportSlice::Icmpv4(i))) if i.type_u8() == 3 => s.icmp_unreachable += 1,
            (_, Some(TransportSlice::Icmpv6(i))) if i.type_u8() == 1 => s.icmp_unreachable += 1,
            (Some(NetSlice::Ipv4(_) | NetSlice::Ipv6(_)), _) | (_, _) => {}
        }
    }
    s.verdict = verdict(&s);
    Ok(s)
}

/// What the counts mean.
fn verdict(s: &CaptureSummary) -> String {
    let sent = if s.syn_retransmitted > 0 {
        tr!(
            "capture-sent-retransmitted",
            syn = s.syn,
            retransmitted = s.syn_retransmitted
        )
    } else {
        tr!("capture-sent", syn = s.syn)
    };
    if s.syn == 0 {
        return tr!("capture-no-syn", target = s.target, packets = s.packets);
    }
    if s.syn_ack > 0 {
        return tr!("capture-syn-ack", sent = sent, count = s.syn_ack);
    }
    if s.rst > 0 {
        return tr!("capture-rst", sent = sent, count = s.rst);
    }
    if s.icmp_unreachable > 0 {
        return tr!("capture-icmp", sent = sent, count = s.icmp_unreachable);
    }
    tr!("capture-dropped", sent = sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pcap (Ethernet link type) of the given TCP segments, each `(src, dst, syn, ack, rst, seq)`.
    fn pcap(segments: &[(u16, u16, bool, bool, bool, u32)]) -> Vec<u8> {
        use etherparse::PacketBuilder;
        let mut out = Vec::new();
        let header = pcap_file::pcap::PcapHeader {
            datalink: pcap_file::DataLink::ETHERNET,
            ..Default::default()
        };
        let mut w = pcap_file::pcap::PcapWriter::with_header(Vec::new(), header).expect("writer");
        for (i, &(src, dst, syn, ack, rst, seq)) in segments.iter().enumerate() {
            let b = PacketBuilder::ethernet2([0; 6], [0; 6])
                .ipv4([127, 0, 0, 1], [127, 0, 0, 1], 64)
                .tcp(src, dst, seq, 65535);
            let b = if syn { b.syn() } else { b };
            let b = if ack { b.ack(1) } else { b };
            let b = if rst { b.rst() } else { b };
            let mut bytes = Vec::new();
            b.write(&mut bytes, &[]).expect("packet");
            let pkt = pcap_file::pcap::PcapPacket::new(
                std::time::Duration::from_millis(i as u64),
                bytes.len() as u32,
                &bytes,
            );
            w.write_packet(&pkt).expect("write");
        }
        out.extend(w.into_writer());
        out
    }

    #[test]
    fn dropped_refused_and_open_read_apart() {
        let dropped = pcap(&[
            (40000, 8000, true, false, false, 1),
            (40000, 8000, true, false, false, 1),
            (40001, 8000, true, false, false, 7),
            (40002, 8000, true, false, false, 9),
        ]);
        let s = summarize(&dropped, "docservice", "127.0.0.1:8000", 8000).expect("pcap");
        assert_eq!((s.syn, s.syn_retransmitted, s.syn_ack, s.rst), (3, 1, 0, 0));
        assert_eq!(
            s.verdict,
            "3 SYN sent (1 retransmitted), no SYN-ACK: dropped before the service"
        );
        let refused = pcap(&[
            (40000, 8000, true, false, false, 1),
            (8000, 40000, false, true, true, 0),
        ]);
        let s = summarize(&refused, "d", "127.0.0.1:8000", 8000).expect("pcap");
        assert!(s.verdict.contains("1 RST: refused"), "{}", s.verdict);
        let open = pcap(&[
            (40000, 8000, true, false, false, 1),
            (8000, 40000, true, true, false, 5),
        ]);
        let s = summarize(&open, "d", "127.0.0.1:8000", 8000).expect("pcap");
        assert!(s.verdict.contains("handshake completes"), "{}", s.verdict);
        assert!(summarize(b"not a pcap", "d", "x", 1).is_err());
    }
}

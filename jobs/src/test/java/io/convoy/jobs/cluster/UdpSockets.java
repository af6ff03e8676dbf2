package io.convoy.jobs.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The UDP sockets a Linux process has open, as "address:port", read from /proc: its file descriptors name socket
 * inodes, which /proc/&lt;pid&gt;/net/udp and udp6 list with their local address.
 */
final class UdpSockets {
    private UdpSockets() {
    }

    static Set<String> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the descriptor was closed while we listed them
                }
            }
        } catch (NoSuchFileException exited) {
            return Set.of();
        }
        Set<String> out = new TreeSet<>();
        for (String table : List.of("udp", "udp6")) {
            Path p = Path.of("/proc/" + pid + "/net/" + table);
            if (!Files.exists(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && inodes.contains(f[9])) {
                    out.add(address(f[1]));
                }
            }
        }
        return out;
    }

    /** "0100007F:C350" (little-endian IPv4, hex port) -> "127.0.0.1:50000"; IPv6 shown as its hex. */
    static String address(String hex) {
        String[] ipPort = hex.split(":");
        int port = Integer.parseInt(ipPort[1], 16);
        String ip = ipPort[0];
        if (ip.length() == 8) {
            long v = Long.parseLong(ip, 16);
            ip = (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
        } else if (ip.equals("00000000000000000000000000000000")) {
            ip = "[::]";
        } else {
            ip = "[" + ip + "]";
        }
        return ip + ":" + port;
    }
}

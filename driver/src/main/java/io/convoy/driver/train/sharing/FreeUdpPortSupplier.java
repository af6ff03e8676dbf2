package io.convoy.driver.train.sharing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * Gives each JVM its own free UDP port for DL4J's Aeron transport. DL4J 1.0.0-M2 ignores
 * {@code VoidConfiguration.unicastPort} and takes the port from the supplier, a fixed 49876 by
 * default, so two executors on one host would collide. The port is chosen once per JVM and kept.
 */
public final class FreeUdpPortSupplier implements PortSupplier {
    private static final long serialVersionUID = 1L;
    private static volatile int chosen;

    @Override
    public int getPort() {
        int port = chosen;
        if (port == 0) {
            synchronized (FreeUdpPortSupplier.class) {
                if (chosen == 0) {
                    try (DatagramSocket socket = new DatagramSocket(0)) {
                        chosen = socket.getLocalPort();
                    } catch (IOException e) {
                        throw new UncheckedIOException("no free UDP port for gradient sharing", e);
                    }
                }
                port = chosen;
            }
        }
        return port;
    }
}

package pong.transport;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start-up warm-up of the TLS record path: a real TLS pair of the process, on loopback. */
class TlsWarmupTest {
    @Test
    void theWarmUpSendsItsRecordsThroughATlsPairOfItsOwnWithTheKeystoreInTheJar() {
        // fails if the keystore is missing or was mangled on its way into the build (resource filtering)
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> TlsWarmup.run(2_000, 1 << 20));
    }
}

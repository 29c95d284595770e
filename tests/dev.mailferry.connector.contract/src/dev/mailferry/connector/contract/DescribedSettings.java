package dev.mailferry.connector.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.spi.ConnectorSetting;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the SPI says of every connector's settings description, for sources and targets alike. */
final class DescribedSettings {

    private DescribedSettings() {
    }

    /** Each key described once, and every key that looks like a secret described as one. */
    static void assertWellDescribed(List<ConnectorSetting> settings) {
        Set<String> keys = new HashSet<>();
        for (ConnectorSetting setting : settings) {
            assertTrue(keys.add(setting.key()), "described once: " + setting.key());
            if (ConnectorSetting.looksSecret(setting.key())) {
                assertEquals(ConnectorSetting.Type.SECRET, setting.type(), setting.key());
            }
        }
    }
}

package io.convoy.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.convoy.driver.config.RunConfig.Switch;
import io.convoy.driver.config.RunConfig.Sync;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** reference.conf and ConfigKeys declare the same keys with the same defaults; the entries check what they did. */
class ConfigKeysTest {
    private static final Config REFERENCE =
            ConfigFactory.parseResources(ConfigKeysTest.class.getClassLoader(), ConfigLoader.REFERENCE);

    private static RunConfig load(String... overrides) {
        List<String> all = new ArrayList<>(List.of("data.path=/data/x"));
        all.addAll(List.of(overrides));
        return ConfigLoader.load(null, all);
    }

    @Test
    void everyKeyOfReferenceConfIsDeclaredWithTheSameDefault() {
        Map<String, ConfigEntry<?>> declared = ConfigKeys.all().stream()
                .collect(Collectors.toMap(ConfigEntry::path, Function.identity()));
        List<String> problems = new ArrayList<>();
        REFERENCE.entrySet().forEach(e -> {
            ConfigEntry<?> entry = declared.get(e.getKey());
            if (entry == null) {
                problems.add(e.getKey() + " is not declared in ConfigKeys");
            } else if (!entry.defaultValue().equals(entry.get(REFERENCE))) {
                problems.add(e.getKey() + ": reference.conf " + entry.get(REFERENCE) + ", ConfigKeys " + entry.defaultValue());
            }
        });
        assertTrue(problems.isEmpty(), problems.toString());
        assertTrue(REFERENCE.entrySet().size() >= 45, "keys: " + REFERENCE.entrySet().size());
    }

    @Test
    void everyEntryIsReadByNameFromTheLoadedConfiguration() {
        RunConfig config = load("train.epochs=7");
        for (ConfigEntry<?> entry : ConfigKeys.all()) {
            Object expected = entry == ConfigKeys.TRAIN_EPOCHS ? 7 : entry == ConfigKeys.DATA_PATH ? "/data/x"
                    : entry.defaultValue();
            assertEquals(expected, config.get(entry), entry.path());
        }
        assertEquals(config.train().epochs(), config.get(ConfigKeys.TRAIN_EPOCHS), "the records hold the same values");
    }

    @Test
    void aSavedConfigurationWithoutAKeyReadsItsDefaultAndABadValueIsStillRefused() {
        Config saved = ConfigFactory.parseString("train.epochs = 12");
        assertEquals(12, ConfigKeys.TRAIN_EPOCHS.savedOrDefault(saved));
        assertEquals(RunConfig.DataFormat.CIFAR10, ConfigKeys.DATA_FORMAT.savedOrDefault(saved));
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> ConfigKeys.TRAIN_EPOCHS.savedOrDefault(ConfigFactory.parseString("train.epochs = 0")));
        assertTrue(e.getMessage().contains("train.epochs"), e.getMessage());
    }

    @Test
    void everyDeclaredKeyIsInReferenceConfWithItsComment() {
        List<String> problems = new ArrayList<>();
        for (ConfigEntry<?> entry : ConfigKeys.all()) {
            if (!REFERENCE.hasPathOrNull(entry.path())) {
                problems.add(entry.path() + " is missing from reference.conf");
            } else if (ConfigKeys.doc(entry).isBlank()) {
                problems.add(entry.path() + " has no comment in reference.conf");
            }
        }
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(REFERENCE.entrySet().size() + 1, ConfigKeys.all().size(), "the leaves and spark.conf { }");
        assertTrue(ConfigKeys.doc(ConfigKeys.TRAIN_SYNC).contains("SharedTrainingMaster"), ConfigKeys.doc(ConfigKeys.TRAIN_SYNC));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "train.epochs=0|train.epochs = 0: expected an integer >= 1",
            "data.image-size=4|data.image-size = 4: expected an integer >= 8",
            "train.optimizer.momentum=1|train.optimizer.momentum = 1.0: expected a number in [0, 1)",
            "train.optimizer.lr=0|train.optimizer.lr = 0.0: expected a number > 0",
            "train.optimizer.weight-decay=-1|train.optimizer.weight-decay = -1.0: expected a number >= 0",
            "train.sync=gossip|train.sync = gossip: expected one of averaging, sharing",
            "train.lr-schedule.type=linear|train.lr-schedule.type = linear: expected one of constant, step, cosine",
            "train.optimizer.lr-scaling=sqrt|train.optimizer.lr-scaling = sqrt: expected none or linear",
            "train.sharing.threshold-algorithm=x|train.sharing.threshold-algorithm = x: expected adaptive or fixed",
            "train.lr-schedule.milestones=[0,2]|train.lr-schedule.milestones = [0, 2]: expected epochs >= 1",
            "data.augment.flip=Sideways|data.augment.flip = sideways: expected auto, true (on) or false (off)",
            "train.precise-bn.enabled=sometimes|train.precise-bn.enabled = sometimes: expected auto, true (on) or false (off)",
            "model.width=0|model.width = 0.0: expected a number > 0",
            "train.lr-schedule.warmup-epochs=3|train.lr-schedule.warmup-epochs = 3: expected fewer than train.epochs = 3",
            "data.format=tiff|data.format = tiff: expected one of mnist, cifar10, shards",
    })
    void aRefusedValueNamesKeyValueAndWhatIsExpected(String override, String message) {
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> load(override));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theWidthRuleIsTheModelZoos() {
        assertEquals("a finite number > 0 (1 = the published widths)",
                ConfigKeys.MODEL_WIDTH.refusal(Double.POSITIVE_INFINITY).orElseThrow());
        assertEquals("a number > 0", ConfigKeys.MODEL_WIDTH.refusal(Double.NaN).orElseThrow());
        assertTrue(ConfigKeys.MODEL_WIDTH.refusal(0.25).isEmpty());
        assertEquals(0.25, load("model.width=0.25").model().width());
    }

    @Test
    void flipAndPreciseBnAreSwitches() {
        RunConfig defaults = load();
        assertEquals(Switch.AUTO, defaults.data().flip());
        assertTrue(defaults.data().augmentation().flip(), "auto: on for cifar10");
        assertFalse(load("data.format=mnist").data().augmentation().flip(), "auto: off for digits");
        assertFalse(load("data.augment.flip=off").data().augmentation().flip());
        assertTrue(load("data.augment.flip=TRUE").data().augmentation().flip());
        assertFalse(defaults.train().preciseBn().enabledFor(Sync.AVERAGING, 1), "auto: off for one averaging worker");
        assertTrue(defaults.train().preciseBn().enabledFor(Sync.AVERAGING, 2), "auto: on for averaged statistics");
        assertTrue(defaults.train().preciseBn().enabledFor(Sync.SHARING, 1), "auto: on under sharing");
        assertTrue(load("train.precise-bn.enabled=true").train().preciseBn().enabledFor(Sync.AVERAGING, 1));
        assertFalse(load("train.precise-bn.enabled=false").train().preciseBn().enabledFor(Sync.SHARING, 2));
        // as a configuration writes it
        assertEquals(Switch.ON, new RunConfig.DataSettings(RunConfig.DataFormat.SHARDS, "/x", 0, 0, 4, "on", 0, 224, true).flip());
        assertThrows(ConfigValidationException.class,
                () -> new RunConfig.DataSettings(RunConfig.DataFormat.SHARDS, "/x", 0, 0, 4, "maybe", 0, 224, true));
    }
}

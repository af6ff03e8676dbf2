package io.convoy.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sweep files: grids, cases, budgets, and the errors a bad file gets (no Spark, no training). */
class SweepFileTest {
    @TempDir
    Path tmp;

    private SweepSpec load(String text) throws IOException {
        Path f = tmp.resolve("s.conf");
        Files.writeString(f, text);
        return SweepFile.load(f.toFile());
    }

    private SweepPlan plan(SweepSpec spec, Budget cli) {
        return SweepPlan.of(spec, List.of("data.path=/data/x"), cli, tmp.resolve("sweep").toString(), null);
    }

    @Test
    void axesMakeAGridWithEveryTrialValidatedAndNamedByItsValues() throws IOException {
        Files.writeString(tmp.resolve("base.conf"), "data.format = mnist\ntrain.epochs = 9\n");
        SweepSpec spec = load("""
                sweep {
                  name = g
                  base = "base.conf"
                  parallel = 2
                  axes { "model.name" = [plain8, resnet8], train.sync = [averaging, sharing] }
                  budget { epochs = 2, train-limit = 100, width = 0.25 }
                }""");
        assertEquals("g", spec.name());
        assertEquals(2, spec.parallel());
        assertEquals(List.of("name-plain8_sync-averaging", "name-plain8_sync-sharing", "name-resnet8_sync-averaging",
                "name-resnet8_sync-sharing"), spec.trials().stream().map(TrialSpec::name).toList());
        assertEquals(Map.of("model.name", "resnet8", "train.sync", "sharing"), spec.trials().get(3).parameters());

        SweepPlan plan = plan(spec, new Budget(null, null, 50, null));
        for (SweepPlan.PlannedTrial t : plan.trials()) {
            assertTrue(t.valid(), t.name() + ": " + t.error());
            RunConfig c = t.config();
            assertEquals(2, c.train().epochs(), "the budget wins over the base file");
            assertEquals(100, c.data().trainLimit());
            assertEquals(50, c.data().testLimit(), "the command line's budget switch applies too");
            assertEquals(0.25, c.model().width());
            assertEquals(RunConfig.DataFormat.MNIST, c.data().format(), "the base file applies");
            assertEquals(t.name(), c.run().name());
            assertTrue(c.run().dir().endsWith("/sweep/runs/" + t.name()), c.run().dir());
        }
        assertEquals("plain8", plan.trials().get(1).config().model().name());
        assertEquals(RunConfig.Sync.SHARING, plan.trials().get(1).config().train().sync());
        assertEquals(2, plan.parallel());
    }

    @Test
    void casesWithABadOverrideFailThatTrialOnlyNamingTheKey() throws IOException {
        SweepSpec spec = load("""
                sweep {
                  base { data.format = mnist, train.epochs = 1 }
                  overrides { spark.conf { "spark.ui.enabled" = "false" } }
                  cases = [
                    { name = good, overrides { "model.name" = resnet8, train.optimizer.lr = 0.05 } }
                    { name = typo, overrides { train.optimiser.lr = 0.05 } }
                    { name = bad-value, overrides { train.optimizer.momentum = 1.5 } }
                    { name = baseline }
                  ]
                }""");
        assertEquals("s", spec.name(), "the name defaults to the file's");
        SweepPlan plan = plan(spec, Budget.NONE);
        assertEquals(List.of(true, false, false, true), plan.trials().stream().map(SweepPlan.PlannedTrial::valid).toList());
        SweepPlan.PlannedTrial good = plan.trials().get(0);
        assertEquals("resnet8", good.config().model().name());
        assertEquals(0.05, good.config().train().lr());
        assertEquals("false", good.config().spark().conf().get("spark.ui.enabled"));
        assertEquals("model.name=resnet8, train.optimizer.lr=0.05", good.spec().parameterLine());
        assertTrue(plan.trials().get(1).error().contains("unknown config key 'train.optimiser.lr'"), plan.trials().get(1).error());
        assertTrue(plan.trials().get(2).error().contains("train.optimizer.momentum = 1.5"), plan.trials().get(2).error());
        assertNull(plan.trials().get(3).error());
        assertEquals("", plan.trials().get(3).spec().parameterLine());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sweep { axes { model.name = [a] }, cases = [ { name = x } ] }|not both",
            "sweep { name = x }|either sweep.axes",
            "sweep { axes { model.name = resnet8 } }|sweep.axes.model.name: expected a non-empty list",
            "sweep { cases = [ { name = x }, { name = x } ] }|two trials are named 'x'",
            "sweep { cases = [ { overrides { a = 1 } } ] }|sweep.cases[0]: every case needs a name",
            "sweep { cases = [ { name = \"a b\" } ] }|name = 'a b'",
            "sweep { cases = [ { name = a, overide { } } ] }|unknown key 'overide'",
            "sweep { parallell = 2, cases = [ { name = a } ] }|unknown key sweep.parallell",
            "sweep { parallel = 0, cases = [ { name = a } ] }|sweep.parallel = 0",
            "sweep { base = \"nowhere.conf\", cases = [ { name = a } ] }|sweep.base = \"nowhere.conf\": no such run file",
            "sweep { budget { epochs = 0 }, cases = [ { name = a } ] }|sweep.budget epochs = 0",
            "sweep { budget { epoch = 1 }, cases = [ { name = a } ] }|unknown key sweep.budget.epoch",
            "model.name = resnet8|unknown top-level key 'model'",
            "sweep { cases = [ { name = a } ]|cannot parse sweep file"})
    void aBadSweepFileIsRefusedNamingTheKey(String text, String expected) {
        SweepFileException e = assertThrows(SweepFileException.class, () -> load(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("s.conf"), "names the file: " + e.getMessage());
    }

    @Test
    void commandLineSwitchesAreCheckedToo() throws IOException {
        SweepSpec spec = load("sweep { cases = [ { name = a } ] }");
        assertThrows(SweepFileException.class, () -> new Budget(null, null, null, -1.0));
        assertThrows(SweepFileException.class, () -> SweepPlan.of(spec, List.of(), Budget.NONE, null, 0));
        assertFalse(plan(spec, new Budget(null, null, null, null)).trials().isEmpty());
    }
}

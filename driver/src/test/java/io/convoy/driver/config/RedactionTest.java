package io.convoy.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.spark.SparkContexts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is redacted, what a saved configuration needs again, and how a secret reaches Hadoop without a file. */
class RedactionTest {
    private static final String S3 = "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"";

    @TempDir
    Path tmp;

    private static List<String> base(String... more) {
        List<String> o = new ArrayList<>(List.of("data.path=/nowhere"));
        o.addAll(List.of(more));
        return o;
    }

    @Test
    void spark_sDefaultPatternRedactsByKeyAndSparkConfByValue() {
        RunConfig c = ConfigLoader.load(null, base(S3 + "=s3-value-1",
                "spark.conf.\"spark.hadoop.fs.s3a.access.key\"=access-value-2",
                "spark.conf.\"spark.executor.extraJavaOptions\"=\"-Ddb.password=opts-value-3\"",
                "spark.conf.\"spark.app.note\"=harmless-value-4"));
        String shown = c.render();
        for (String secret : List.of("s3-value-1", "access-value-2", "opts-value-3")) {
            assertFalse(shown.contains(secret), secret + " in " + shown);
        }
        assertTrue(shown.contains("harmless-value-4"));
        assertTrue(shown.contains("\"spark.hadoop.fs.s3a.secret.key\"=\"" + Redaction.MARKER + "\""), shown);
        assertEquals("s3-value-1", c.spark().conf().get("spark.hadoop.fs.s3a.secret.key"), "the live value stays");
        assertEquals(Redaction.MARKER + " in a message", Redaction.scrub("s3-value-1 in a message"));
    }

    @Test
    void aUsersOwnRegexReplacesTheDefaultAndIsItselfKept() {
        String regex = "spark.conf.\"spark.redaction.regex\"=\"(?i)account[.]key\"";
        RunConfig c = ConfigLoader.load(null, base(regex,
                "spark.conf.\"spark.hadoop.fs.azure.account.key.a.dfs.core.windows.net\"=azure-value",
                "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=no-longer-secret"));
        String shown = c.render();
        assertFalse(shown.contains("azure-value"), shown);
        assertTrue(shown.contains("no-longer-secret"), "the user's pattern replaces Spark's default");
        assertTrue(shown.contains("(?i)account[.]key"), "the pattern is not redacted by its own value");

        ConfigValidationException bad = assertThrows(ConfigValidationException.class,
                () -> ConfigLoader.load(null, base("spark.conf.\"spark.redaction.regex\"=\"(unclosed\"")));
        assertTrue(bad.getMessage().contains("spark.redaction.regex") && bad.getMessage().contains("(unclosed"),
                bad.getMessage());
    }

    @Test
    void aSavedConfigurationNeedsItsSecretsAgainAndNeverPassesTheMarkerOn() {
        String saved = ConfigLoader.load(null, base(S3 + "=first-value", "train.epochs=3")).render();
        assertTrue(saved.contains(Redaction.MARKER));

        ConfigValidationException refused = assertThrows(ConfigValidationException.class,
                () -> ConfigLoader.fromSaved(saved, "runs/x/config.conf", List.of("train.epochs=4")));
        assertTrue(refused.getMessage().contains("runs/x/config.conf") && refused.getMessage().contains(S3),
                refused.getMessage());

        Map<String, String> again = ConfigLoader.fromSaved(saved, "c", List.of(S3 + "=second-value")).spark().conf();
        assertEquals("second-value", again.get("spark.hadoop.fs.s3a.secret.key"));
        // the same key written without HOCON quotes (nested objects) replaces the saved, quoted one
        Map<String, String> unquoted = ConfigLoader.fromSaved(saved, "c",
                List.of("spark.conf.spark.hadoop.fs.s3a.secret.key=third-value")).spark().conf();
        assertEquals("third-value", unquoted.get("spark.hadoop.fs.s3a.secret.key"));
        // from the environment: ${VAR} in an override stays a substitution
        Map<String, String> env = ConfigLoader.fromSaved(saved, "c", List.of(S3 + "=${HOME}")).spark().conf();
        assertEquals(System.getenv("HOME"), env.get("spark.hadoop.fs.s3a.secret.key"));
        // null goes without it (a credential provider supplies it)
        assertNull(ConfigLoader.fromSaved(saved, "c", List.of(S3 + "=null")).spark().conf()
                .get("spark.hadoop.fs.s3a.secret.key"));
        // a sweep's freshly planned trial supplies it
        RunConfig fresh = ConfigLoader.load(null, base(S3 + "=planned-value"));
        assertEquals("planned-value", ConfigLoader.fromSaved(saved, "c", List.of(), fresh.resolved()).spark().conf()
                .get("spark.hadoop.fs.s3a.secret.key"));
        // reports read it as it is
        assertEquals(Redaction.MARKER, ConfigLoader.savedForReading(saved, "c").spark().conf()
                .get("spark.hadoop.fs.s3a.secret.key"));
        assertEquals(3, ConfigLoader.savedForReading(saved, "c").train().epochs());
    }

    @Test
    void aMistypedSecretOverrideIsNotEchoed() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> ConfigLoader.load(null, base(S3 + "=\"unterminated-value")));
        assertFalse(e.getMessage().contains("unterminated-value"), e.getMessage());
        assertTrue(e.getMessage().contains(S3), e.getMessage());
    }

    @Test
    void sparkHadoopSettingsAndACredentialProviderReachTheDriversHadoopConfiguration() throws Exception {
        String provider = "jceks://file" + tmp.resolve("creds.jceks");
        Configuration forStore = new Configuration(false);
        forStore.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, provider);
        CredentialProvider store = CredentialProviderFactory.getProviders(forStore).get(0);
        store.createCredentialEntry("fs.s3a.secret.key", "from-the-keystore".toCharArray());
        store.flush();

        RunConfig c = ConfigLoader.load(null, base(
                "spark.conf.\"spark.hadoop.hadoop.security.credential.provider.path\"=\"" + provider + "\"",
                "spark.conf.\"spark.hadoop.fs.s3a.endpoint\"=\"http://127.0.0.1:9000\""));
        Configuration hadoop = SparkContexts.hadoopConf(c.spark().conf());
        assertEquals("http://127.0.0.1:9000", hadoop.get("fs.s3a.endpoint"));
        assertEquals("from-the-keystore", new String(hadoop.getPassword("fs.s3a.secret.key")));
        assertNull(hadoop.get("fs.s3a.secret.key"), "the secret is in no configuration, only in the keystore");
        assertFalse(c.render().contains("from-the-keystore"));
    }
}

package io.shardview.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shardview.entity.tenant.TenantSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsAreASingleNodeOnLoopbackWithLevelDbUnderData() {
        Config config = NodeConfig.load(Optional.empty(), Map.of(), Map.of());
        assertEquals("127.0.0.1", config.getString("shardview.http.host"));
        assertEquals(8080, config.getInt("shardview.http.port"));
        assertEquals(Path.of("data").toAbsolutePath().toString(), config.getString("shardview.data-dir"));
        assertEquals("pekko.persistence.journal.leveldb", config.getString("pekko.persistence.journal.plugin"));
        assertEquals(
                config.getString("shardview.data-dir") + "/journal",
                config.getString("pekko.persistence.journal.leveldb.dir"));
        assertTrue(config.getBoolean("pekko.persistence.journal.leveldb.fsync"));
        assertTrue(config.getBoolean("pekko.persistence.journal.leveldb.group-commit"));
        assertEquals(
                "io.shardview.persistence.GroupCommitLeveldbJournal",
                config.getString("pekko.persistence.journal.leveldb.class"));
        assertEquals("cluster", config.getString("pekko.actor.provider"));
        assertEquals(List.of(), config.getStringList("pekko.cluster.seed-nodes"));
    }

    @Test
    void theTenantSettingsDefaultsInCodeAreTheShippedOnes() {
        Config config = NodeConfig.load(Optional.empty(), Map.of(), Map.of());
        assertEquals(TenantSettings.defaults(), TenantSettings.from(config));
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
        Path file = tmp.resolve("node.conf");
        Files.writeString(
                file,
                """
        shardview.http.port = 9001
        shardview.http.host = "localhost"
        shardview.region = "from-file"
        shardview.data-dir = "/tmp/from-file"
        """);
        Map<String, String> env = Map.of("SHARDVIEW_HTTP_PORT", "9002", "SHARDVIEW_REGION", "from-env");
        Config config = NodeConfig.load(Optional.of(file), env, Map.of("shardview.http.port", 9003));

        assertEquals(9003, config.getInt("shardview.http.port"), "flag wins over env and file");
        assertEquals("from-env", config.getString("shardview.region"), "env wins over file");
        assertEquals("localhost", config.getString("shardview.http.host"), "file wins over defaults");
        assertEquals(
                "from-env",
                config.getString("pekko.cluster.multi-data-center.self-data-center"),
                "derived Pekko settings follow the override");
        assertEquals("/tmp/from-file/journal", config.getString("pekko.persistence.journal.leveldb.dir"));
    }

    @Test
    void seedNodesFromTheEnvironmentAreACommaSeparatedList() {
        Config config = NodeConfig.load(
                Optional.empty(),
                Map.of("SHARDVIEW_SEED_NODES", "pekko://shardview@a:1, pekko://shardview@b:2"),
                Map.of());
        assertEquals(
                List.of("pekko://shardview@a:1", "pekko://shardview@b:2"),
                config.getStringList("pekko.cluster.seed-nodes"));
    }

    @Test
    void missingConfigFileIsAClearError() {
        ConfigException error = assertThrows(
                ConfigException.class,
                () -> NodeConfig.load(Optional.of(tmp.resolve("absent.conf")), Map.of(), Map.of()));
        assertTrue(error.getMessage().contains("absent.conf"), error.getMessage());
    }
}

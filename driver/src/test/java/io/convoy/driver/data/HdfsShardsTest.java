package io.convoy.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.RunConfig.DataFormat;
import io.convoy.driver.config.RunConfig.DataSettings;
import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.data.prepare.PrepareData;
import io.convoy.driver.data.prepare.PrepareSettings;
import io.convoy.driver.data.prepare.SourceFormat;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.SyntheticImages;
import io.convoy.worker.data.shard.ShardRecord;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards written to and read from a real HDFS (an in-process MiniDFSCluster), with the tasks reading on Spark local[2]. */
class HdfsShardsTest {
    @TempDir
    Path tmp;

    @Test
    void prepareWritesShardsToHdfsAndTrainingReadsThemBack() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try (JavaSparkContext sc = SparkContexts.create(new SparkSettings("local[2]", "hdfs-test", Map.of("spark.ui.enabled", "false")))) {
            cluster.waitActive();
            String uri = cluster.getURI().toString() + "/data/cifar10";
            Path src = tmp.resolve("cifar");
            SyntheticImages.writeCifar10Dir(src, 5, 12, 9, 3);
            DatasetManifest m = new PrepareData(new PrepareSettings(SourceFormat.CIFAR10, src.toString(), uri, 10 * 3100,
                    false, null, null, 0, false), cluster.getConfiguration(0)).run(() -> sc);
            assertEquals(60, m.splits().get("train").records());

            FileSystem hdfs = cluster.getFileSystem();
            assertTrue(hdfs.exists(new org.apache.hadoop.fs.Path("/data/cifar10/dataset.json")));
            assertEquals(6, hdfs.listStatus(new org.apache.hadoop.fs.Path("/data/cifar10/train")).length);

            ShardTrainingData data = ShardTrainingData.open(new DataSettings(DataFormat.SHARDS, uri, 0, 0, 4, "auto", 0, 224, true),
                    cluster.getConfiguration(0));
            data.verifyChecksums(sc);
            List<List<ShardRecord>> parts = data.assign(sc, 1, 3, 5).glom().collect();
            HashSet<Long> ids = new HashSet<>();
            parts.forEach(p -> p.forEach(r -> assertTrue(ids.add(r.id()))));
            assertEquals(60, ids.size());
            assertEquals(List.of(20, 20, 20), parts.stream().map(List::size).toList());
            List<ImageRecord> test = data.testRecords(sc, 2).collect();
            assertEquals(9, test.size());
            assertEquals(60, data.trainBatches(sc, 1, 2, 8, 5).collect().stream().mapToLong(d -> d.getFeatures().size(0)).sum());
        } finally {
            cluster.shutdown();
        }
    }
}

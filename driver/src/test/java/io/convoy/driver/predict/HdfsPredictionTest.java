package io.convoy.driver.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.checkpoint.TrainingState;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.augment.TestTimeAugmentation;
import io.convoy.worker.data.TestImages;
import io.convoy.zoo.InputShape;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Sgd;

/** Image folders read from, and predictions written to, a real HDFS (an in-process MiniDFSCluster). */
class HdfsPredictionTest {
    @TempDir
    Path tmp;

    private static void put(FileSystem fs, String path, byte[] bytes) throws Exception {
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(path))) {
            out.write(bytes);
        }
    }

    @Test
    void imagesOnHdfsArePredictedAndWrittenBackToHdfs() throws Exception {
        // a run directory with one checkpoint of a CIFAR ResNet-8 (untrained: this is about the file systems)
        List<String> settings = List.of("data.format=cifar10", "data.path=" + tmp.resolve("nodata"), "model.name=resnet8",
                "train.epochs=1", "spark.master=local[2]", "spark.conf.spark.ui.enabled=false");
        RunConfig config = ConfigLoader.load(null, settings);
        RunStore store = RunStore.create(tmp.resolve("runs").toString(), "hdfs-predict", new Configuration());
        store.writeConfig(config.render());
        store.writeJson("normalization.json", new Normalization(new double[] {120, 120, 120}, new double[] {60, 60, 60}));
        ComputationGraph net = new ComputationGraph(ModelZoo.build("resnet8",
                new ModelRequest(new InputShape(3, 32, 32), 10, 1, new Sgd(0.1), 0)));
        net.init();
        store.writeCheckpoint(net, new TrainingState(1, 1, 0.1, 1, 1, 1, 32, 1), Map.of("train_loss", 2.3), config.render());

        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try {
            cluster.waitActive();
            FileSystem hdfs = cluster.getFileSystem();
            String root = cluster.getURI().toString();
            put(hdfs, "/incoming/cats/one.png", TestImages.png(TestImages.solid(48, 40, 200, 30, 30)));
            put(hdfs, "/incoming/cats/two.jpg", TestImages.jpeg(TestImages.solid(24, 32, 30, 200, 30)));
            put(hdfs, "/incoming/dogs/three.png", TestImages.png(TestImages.solidGrey(32, 32, 128)));
            put(hdfs, "/incoming/dogs/broken.jpg", "no JPEG here".getBytes(StandardCharsets.UTF_8));

            PredictionRun.Outcome o = new PredictionRun(store.dir().toString(), List.of(root + "/incoming"),
                    new PredictionRun.Options("latest", TestTimeAugmentation.FLIP, null, 3, 1, root + "/predictions/day1"),
                    List.of("spark.master=local[2]", "spark.conf.spark.ui.enabled=false")).run();
            assertEquals(3, o.predicted());
            assertEquals(1, o.skipped().size());
            assertTrue(o.skipped().get(0).startsWith(root + "/incoming/dogs/broken.jpg: "), o.skipped().toString());
            assertNull(o.single(), "a folder is not one image");

            assertTrue(hdfs.exists(new org.apache.hadoop.fs.Path("/predictions/day1/predictions.parquet/_SUCCESS")));
            FileStatus[] parts = hdfs.globStatus(new org.apache.hadoop.fs.Path("/predictions/day1/predictions.csv/part-*"));
            assertEquals(1, parts.length, Arrays.toString(parts));
            String csv;
            try (InputStream in = hdfs.open(parts[0].getPath())) {
                csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> lines = csv.lines().toList();
            assertEquals("input,true_class,class_1,probability_1,class_2,probability_2,class_3,probability_3", lines.get(0));
            assertEquals(List.of(root + "/incoming/cats/one.png", root + "/incoming/cats/two.jpg", root + "/incoming/dogs/three.png"),
                    lines.subList(1, 4).stream().map(l -> l.substring(0, l.indexOf(','))).toList());
            for (String l : lines.subList(1, 4)) {
                String[] cells = l.split(",");
                double p1 = Double.parseDouble(cells[3]);
                double p2 = Double.parseDouble(cells[5]);
                double p3 = Double.parseDouble(cells[7]);
                assertTrue(p1 >= p2 && p2 >= p3 && p3 > 0 && p1 + p2 + p3 <= 1.0001, l);
                assertTrue(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
                        .contains(cells[2]), l);
            }
        } finally {
            cluster.shutdown();
        }
    }
}

package io.convoy.driver.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.Iterator;

/**
 * The driver's progress line for an epoch: images handed to DL4J so far (live, from the partial accumulator
 * values that executors send with every heartbeat, so long gradient-sharing tasks show progress too), tasks
 * done / submitted, images/s and ETA, logged every few seconds while the epoch runs.
 */
final class EpochProgress extends SparkListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EpochProgress.class);
    private static final int BAR = 24;

    private final LongAccumulator images;
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final AtomicInteger tasksSubmitted = new AtomicInteger();
    private final AtomicInteger tasksDone = new AtomicInteger();
    private final ScheduledExecutorService ticker;
    private final JavaSparkContext sc;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();

    /** 0: progress from the image counter; else the training tasks expected after DL4J's counting job. */
    private final int expectedTrainingTasks;
    private final int countingTasks;

    private EpochProgress(JavaSparkContext sc, String label, long total, long intervalSeconds, int expectedTrainingTasks,
                          int countingTasks) {
        this.sc = sc;
        this.label = label;
        this.total = total;
        this.expectedTrainingTasks = expectedTrainingTasks;
        this.countingTasks = countingTasks;
        this.images = sc.sc().longAccumulator("convoy.images");
        sc.sc().addSparkListener(this);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "convoy-progress");
            t.setDaemon(true);
            return t;
        });
        if (intervalSeconds > 0) {
            ticker.scheduleAtFixedRate(() -> log.info("{}", line()), intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
        }
    }

    /**
     * Progress from the images counted as DL4J takes them (gradient sharing: one pass over each partition).
     */
    static EpochProgress counting(JavaSparkContext sc, String label, long totalImages, long intervalSeconds,
                                  boolean countedFirst) {
        return new EpochProgress(sc, label, totalImages, intervalSeconds, 0, countedFirst ? 1 : 0);
    }

    /**
     * Progress from finished tasks (parameter averaging): a counting job of {@code countingTasks} tasks (none when
     * the epoch is laid out by round), then rounds of {@code workers} tasks, each round a random split of
     * {@code workers x frequency} minibatches; a split reads every element of its parent partition, so the image
     * counter would run ahead here.
     */
    static EpochProgress byTasks(JavaSparkContext sc, String label, long totalImages, long intervalSeconds,
                                 int workers, long minibatches, int frequency, int countingTasks) {
        long rounds = Math.max(1, (minibatches + (long) workers * frequency - 1) / ((long) workers * frequency));
        return new EpochProgress(sc, label, totalImages, intervalSeconds, (int) Math.min(Integer.MAX_VALUE,
                rounds * workers), countingTasks);
    }

    /** Counts each minibatch as DL4J takes it from the partition's iterator. */
    JavaRDD<DataSet> counted(JavaRDD<DataSet> batches) {
        LongAccumulator acc = images;
        return batches.map(ds -> {
            acc.add(ds.numExamples());
            return ds;
        });
    }

    /**
     * Images trained so far. By tasks under averaging; under sharing from the counter, skipping the first pass of
     * {@code total} images when DL4J counted the (persisted) batch RDD before it trained.
     */
    long imagesSoFar() {
        if (expectedTrainingTasks > 0) {
            long trained = Math.max(0, tasksDone.get() - countingTasks);
            return Math.min(total, total * trained / expectedTrainingTasks);
        }
        long partial = 0;
        for (long v : running.values()) {
            partial += v;
        }
        return Math.max(0, images.value() + partial - (countingTasks > 0 ? total : 0));
    }

    String line() {
        long done = Math.min(total, imagesSoFar());
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        int filled = total == 0 ? BAR : (int) (BAR * done / total);
        String eta = rate > 0 ? formatSeconds((total - done) / rate) : "?";
        return String.format("%s [%s%s] %3d%% %d/%d img, %.0f img/s, ETA %s, tasks %d/%d", label,
                "=".repeat(filled), " ".repeat(BAR - filled), total == 0 ? 100 : (int) (100 * done / total), done, total,
                rate, eta, tasksDone.get(), tasksSubmitted.get());
    }

    private static String formatSeconds(double s) {
        long t = Math.round(s);
        return String.format("%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted stage) {
        tasksSubmitted.addAndGet(stage.stageInfo().numTasks());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd task) {
        running.remove(task.taskInfo().taskId());
        tasksDone.incrementAndGet();
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        Iterator<Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>>> it = update.accumUpdates().iterator();
        while (it.hasNext()) {
            Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> t = it.next();
            Iterator<AccumulableInfo> infos = t._4().iterator();
            while (infos.hasNext()) {
                AccumulableInfo info = infos.next();
                if (info.id() == images.id() && info.update().isDefined()) {
                    Object v = info.update().get();
                    if (v instanceof Number n) {
                        running.put((Long) t._1(), n.longValue());
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        sc.sc().removeSparkListener(this);
    }
}

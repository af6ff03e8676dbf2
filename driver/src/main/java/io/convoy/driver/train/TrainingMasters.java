package io.convoy.driver.train;

import io.convoy.driver.config.RunConfig.TrainSettings;
import io.convoy.driver.train.sharing.FreeUdpPortSupplier;
import io.convoy.worker.monitor.RecordingThresholdAlgorithm;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.ResidualClippingPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.repartitioner.NoOpRepartitioner;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place {@code train.sync} turns into a DL4J TrainingMaster. */
final class TrainingMasters {
    private static final Logger log = LoggerFactory.getLogger(TrainingMasters.class);

    private TrainingMasters() {
    }

    static TrainingMaster<?, ?> create(TrainSettings t, JavaSparkContext sc, int workers, int batchPerWorker) {
        return switch (t.sync()) {
            case AVERAGING -> {
                log.info("parameter averaging: {} workers x batch {} (global batch {}), averaging every {} minibatches",
                        workers, batchPerWorker, workers * batchPerWorker, t.averagingFrequency());
                yield new AveragingTrainingMaster(new ParameterAveragingTrainingMaster.Builder(workers, batchPerWorker)
                        .batchSizePerWorker(batchPerWorker)
                        .averagingFrequency(t.averagingFrequency())
                        // Average the momentum state with the parameters. DL4J's javadoc calls this the default, but
                        // the Builder's field is left false: each round's workers then start from the driver's
                        // updater state, which is never updated (all zeros), so Nesterov's velocity was reset every
                        // `frequency` minibatches (also with one worker) and a checkpoint held no momentum.
                        .saveUpdater(true)
                        .workerPrefetchNumBatches(t.prefetch())
                        // batches are built inside the tasks from records: no export to disk, no reshuffle of DataSets
                        .rddTrainingApproach(RDDTrainingApproach.Direct)
                        .repartionData(Repartition.Never)
                        .storageLevel(null) // TrainingRun persists the batches itself
                        .rngSeed(t.seed()));
            }
            case SHARING -> {
                var s = t.sharing();
                String controller = !s.controllerAddress().isBlank() ? s.controllerAddress()
                        : sc.getConf().get("spark.driver.host", "127.0.0.1");
                VoidConfiguration.VoidConfigurationBuilder voidConf = VoidConfiguration.builder()
                        .controllerAddress(controller)
                        .portSupplier(new FreeUdpPortSupplier());
                if (!s.networkMask().isBlank()) {
                    voidConf.networkMask(s.networkMask());
                }
                ThresholdAlgorithm threshold = s.adaptive()
                        ? new AdaptiveThresholdAlgorithm(s.threshold())
                        : new FixedThresholdAlgorithm(s.threshold());
                SharedTrainingMaster.Builder b = new SharedTrainingMaster.Builder(voidConf.build(), batchPerWorker)
                        .batchSizePerWorker(batchPerWorker)
                        // delegates every decision; counts the bytes of each encoded message (ExecutorProbe)
                        .thresholdAlgorithm(new RecordingThresholdAlgorithm(threshold))
                        .residualPostProcessor(new ResidualClippingPostProcessor(s.residualClip(), s.residualFrequency()))
                        .workerPrefetchNumBatches(t.prefetch())
                        .rddTrainingApproach(RDDTrainingApproach.Direct)
                        .repartitionData(Repartition.Never)
                        .storageLevel(null) // TrainingRun persists the batches itself
                        // DL4J's default here is a DefaultRepartitioner that ignores Repartition.Never and cuts the
                        // RDD into one partition per minibatch: every minibatch becomes its own Spark task, and at the
                        // end of each task DL4J resets the encoded-gradient accumulator (the residual is thrown away)
                        // and drops updates arriving between tasks. Keep one long partition per worker per epoch.
                        .repartitioner(new NoOpRepartitioner())
                        .rngSeed(t.seed());
                if (s.workersPerNode() > 0) {
                    b.workersPerNode(s.workersPerNode());
                }
                log.info("gradient sharing: {} partitions x batch {}, {} threshold {}, controller {}",
                        workers, batchPerWorker, s.adaptive() ? "adaptive" : "fixed", s.threshold(), controller);
                yield b.build();
            }
        };
    }
}

package io.convoy.worker.batch;

import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.shard.RecordDecoder;
import io.convoy.worker.data.shard.ShardRecord;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Runs inside a Spark task over a partition of shard records: decodes (and for image files crops)
 * each record with its own random stream of (seed, epoch, record id), skips corrupt records within
 * the budget, then normalises, crops/flips raw pixels and batches them with {@link MinibatchFunction}.
 */
public final class ShardBatchFunction implements Function2<Integer, Iterator<ShardRecord>, Iterator<DataSet>> {
    private static final long serialVersionUID = 1L;

    private final RecordDecoder decoder;
    private final MinibatchFunction batches;
    private final CorruptRecords corrupt;
    private final long seed;
    private final int epoch;

    /** @param batches the batching of decoded records (its augmentation: pad/flip of raw pixels, or none) */
    public ShardBatchFunction(RecordDecoder decoder, MinibatchFunction batches, CorruptRecords corrupt, long seed, int epoch) {
        this.decoder = decoder;
        this.batches = batches;
        this.corrupt = corrupt;
        this.seed = seed;
        this.epoch = epoch;
    }

    @Override
    public Iterator<DataSet> call(Integer partition, Iterator<ShardRecord> records) {
        return batches.call(partition, new Decoding<>(records, r -> decoder.train(r,
                MinibatchFunction.recordRandom(seed ^ 0x5DEECE66DL, epoch, r.id())), corrupt::skip));
    }

    /** The evaluation side: records decoded with the evaluation crop, corrupt ones skipped. */
    public static FlatMapFunction<Iterator<ShardRecord>, ImageRecord> evaluation(RecordDecoder decoder, CorruptRecords corrupt) {
        return records -> new Decoding<>(records, decoder::eval, corrupt::skip);
    }

}

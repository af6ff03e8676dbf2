package io.convoy.worker.data.shard;

import io.convoy.worker.data.HadoopConf;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * Runs in a Spark task: streams the records of one shard, given its index in the split.
 *
 * @param paths      the split's shard files (Hadoop URIs), by shard index
 * @param firstIndex split position of each shard's first record
 */
public record ShardSource(List<String> paths, long[] firstIndex, HadoopConf conf)
        implements FlatMapFunction<Integer, ShardRecord> {
    @Override
    public Iterator<ShardRecord> call(Integer shard) {
        return new ShardReader(new Path(paths.get(shard)), shard, firstIndex[shard], conf.get());
    }
}

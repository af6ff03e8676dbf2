package io.convoy.worker.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The listeners DL4J keeps on a gradient-sharing worker from the first epoch on act as the latest epoch's: the
 * second epoch's iteration clock numbers the iterations, not the first's.
 */
class LatestListenersTest {
    @Test
    void theListenersKeptFromTheFirstEpochForwardToTheLatestOnes() throws Exception {
        ComputationGraph net = IterationClockTest.tinyNet();
        List<Integer> seen = new ArrayList<>();
        // what a task deserialises: the first epoch's listeners, which the worker's network keeps
        LatestListeners first = roundTrip(new LatestListeners(List.of(new IterationClock(0))));
        net.setListeners(first, new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                seen.add(iteration);
            }
        });
        DataSet batch = new DataSet(Nd4j.rand(3, 4), Nd4j.eye(2).getRows(0, 1, 0));
        net.fit(batch);
        net.fit(batch);
        // the second epoch's task brings its own listeners, which DL4J never attaches
        roundTrip(new LatestListeners(List.of(new IterationClock(500))));
        net.fit(batch);
        net.fit(batch);
        assertEquals(List.of(0, 1, 500, 501), seen);
    }

    private static LatestListeners roundTrip(LatestListeners l) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(l);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (LatestListeners) in.readObject();
        }
    }
}

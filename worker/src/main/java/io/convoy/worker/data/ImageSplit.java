package io.convoy.worker.data;

import io.convoy.zoo.InputShape;
import java.util.List;

/** The records of one split (train or test) with the shape they share and the class count of the dataset. */
public record ImageSplit(String source, InputShape shape, int numClasses, List<ImageRecord> records) {
    public int size() {
        return records.size();
    }
}

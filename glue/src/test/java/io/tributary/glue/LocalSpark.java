package io.tributary.glue;

import org.apache.spark.sql.SparkSession;

/** The Spark session of one test class: local[2], loopback only, no UI. */
final class LocalSpark {

    private LocalSpark() {
    }

    static SparkSession start(String name) {
        return SparkSession.builder()
                .appName(name)
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.extensions", IcebergCurated.EXTENSIONS)
                .getOrCreate();
    }
}

package pong.config;

/** What a properties file configures: one of the two halves, as its {@code mode} key says. */
public sealed interface ModeConfig permits LocalConfig, RemoteConfig {
    /** The limits both halves have (shutdown.grace among them). */
    Limits limits();
}

package pong;

import java.nio.file.Path;
import java.util.Arrays;
import pong.cli.AotCommand;
import pong.cli.CheckCommand;
import pong.cli.ExitCodes;
import pong.cli.InitCommand;
import pong.cli.PinCommand;
import pong.cli.RunCommand;
import pong.cli.Usage;
import pong.cli.Version;

/**
 * {@code java -jar pong.jar ...}: picks the command; the commands themselves live in {@code pong.cli}.
 * (The jar's Main-Class is {@code pong.Launcher}, which checks the Java version first.)
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$-7s %5$s%6$s%n");
        }
        System.exit(run(args));
    }

    static int run(String[] args) throws InterruptedException {
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        String first = args.length == 0 ? "" : args[0];
        switch (first) {
            case "-h", "--help", "help" -> {
                System.out.print(Usage.text());
                return ExitCodes.OK;
            }
            case "-V", "--version", "version" -> {
                System.out.println("pong " + Version.value());
                return ExitCodes.OK;
            }
            case "init" -> {
                return InitCommand.run(rest);
            }
            case "check" -> {
                return CheckCommand.run(rest);
            }
            case "pin" -> {
                return PinCommand.run(rest);
            }
            case "aot" -> {
                return AotCommand.run(rest);
            }
            case "aot-train" -> {
                return AotCommand.train(rest);
            }
            default -> {
                if (args.length == 1 && !first.startsWith("-")) return RunCommand.run(Path.of(first));
                System.err.println(args.length == 0 ? "pong: no properties file given"
                        : first.startsWith("-") ? "pong: unknown option '" + first + "'"
                        : "pong: unknown command '" + first + "' (a properties file is given alone)");
                System.err.println("usage: java -jar pong.jar FILE.properties | init | check | pin | aot | --help | --version   (--help says more)");
                return ExitCodes.CONFIG;
            }
        }
    }
}

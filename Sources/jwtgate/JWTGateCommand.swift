import ArgumentParser

@main
struct JWTGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jwtgate",
        abstract: "A reverse-proxy authentication gateway with djangorestframework-jwt's behaviour.",
        discussion: """
            jwtgate serves the obtain / refresh / verify token endpoints of djangorestframework-jwt 1.11 \
            and forwards authenticated requests to your upstream with the user's identity in headers.

            Start with:  jwtgate serve --config config/gateway.yaml
            """,
        subcommands: [ServeCommand.self, CheckConfigCommand.self, HashPasswordCommand.self, TokenCommand.self]
    )
}

/// `--config`, shared by the commands that read a configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Path to gateway.yaml.", valueName: "file"))
    var config: String = "config/gateway.yaml"
}

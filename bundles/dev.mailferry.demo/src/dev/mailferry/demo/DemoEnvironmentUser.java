package dev.mailferry.demo;

/**
 * One sample mailbox of a {@link DemoEnvironment}: its source login (with generated mail) and its target login (empty).
 *
 * @param emailAddress   the address, also the target login (as Exchange Online keys mailboxes)
 * @param sourceUserName the source login
 * @param sourceManifest what was written into the source mailbox, message by message
 */
public record DemoEnvironmentUser(String emailAddress, String sourceUserName, String sourcePassword,
        String targetUserName, String targetPassword, MaildirManifest sourceManifest) {

    @Override
    public String toString() {
        return "DemoEnvironmentUser[" + emailAddress + ", " + sourceManifest.messageCount() + " messages]";
    }
}

package dev.mailferry.connector.office365.internal;

import dev.mailferry.connector.office365.Office365Settings;

/**
 * Microsoft's national clouds and their hosts (Microsoft's "national cloud deployments" tables). The IMAP token's
 * audience is the Exchange Online resource of the cloud, which is also its IMAP host.
 */
enum MicrosoftCloud {
    GLOBAL(Office365Settings.CLOUD_GLOBAL, "https://login.microsoftonline.com", "https://graph.microsoft.com",
            "outlook.office365.com"),
    GCC_HIGH(Office365Settings.CLOUD_GCC_HIGH, "https://login.microsoftonline.us", "https://graph.microsoft.us",
            "outlook.office365.us"),
    DOD(Office365Settings.CLOUD_DOD, "https://login.microsoftonline.us", "https://dod-graph.microsoft.us",
            "outlook-dod.office365.us"),
    CHINA(Office365Settings.CLOUD_CHINA, "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn",
            "partner.outlook.cn");

    final String settingValue;
    final String loginUrl;
    final String graphUrl;
    final String exchangeHost;

    MicrosoftCloud(String settingValue, String loginUrl, String graphUrl, String exchangeHost) {
        this.settingValue = settingValue;
        this.loginUrl = loginUrl;
        this.graphUrl = graphUrl;
        this.exchangeHost = exchangeHost;
    }

    /** The scope of an app-only token for Exchange Online's IMAP: its resource plus {@code /.default}. */
    String imapScope() {
        return "https://" + exchangeHost + "/.default";
    }

    /** The scope of an app-only token for Microsoft Graph. */
    String graphScope() {
        return graphUrl + "/.default";
    }

    static MicrosoftCloud of(String settingValue) {
        for (MicrosoftCloud cloud : values()) {
            if (cloud.settingValue.equalsIgnoreCase(settingValue)) {
                return cloud;
            }
        }
        throw new IllegalArgumentException("Setting '" + Office365Settings.CLOUD + "' must be one of global,"
                + " usgov-gcchigh, usgov-dod, china, not '" + settingValue + "'");
    }
}

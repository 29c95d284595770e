package dev.mailferry.demo;

import java.nio.charset.Charset;
import java.util.List;
import java.util.SplittableRandom;

/** Word material for the sample texts, one set per language, and the charsets real mail in that language uses. */
enum CorpusLanguage {
    ENGLISH(" ", ". ", "Re: ", "Hi,", "Best regards,",
            List.of("meeting", "budget", "report", "schedule", "contract", "review", "draft", "invoice", "deadline", "team",
                    "quarter", "forecast", "customer", "release", "update", "server", "migration", "mailbox", "please",
                    "confirm", "attached", "proposal", "next", "week", "agenda", "minutes", "project", "status", "notes",
                    "the", "and", "for", "with", "about", "our", "we", "will", "can", "you", "should", "before", "after"),
            List.of("Quarterly report", "Project kickoff", "Invoice 2024-117", "Lunch on Friday?", "Server migration plan",
                    "Updated proposal", "Meeting minutes", "Travel booking"),
            List.of("John Smith", "Mary O'Neill", "Peter Brown", "Linda Carter", "Smith, Robert")),
    GERMAN(" ", ". ", "AW: ", "Hallo,", "Viele Grüße,",
            List.of("Besprechung", "Übersicht", "Änderung", "größer", "für", "Straße", "Vertrag", "Rechnung", "Öffnungszeiten",
                    "Kostenvoranschlag", "Grüße", "möglich", "Prüfung", "Bestätigung", "nächste", "Woche", "Termin", "bitte",
                    "Anhang", "über", "wir", "müssen", "können", "Unterlagen", "Lösung", "schön", "dass", "Maßnahmen",
                    "Geschäftsführung", "Büro", "und", "der", "die", "das", "mit", "zum", "Euro", "€"),
            List.of("Rechnung Nr. 4711", "Terminbestätigung für Dienstag", "Änderungen am Vertrag", "Übergabe der Unterlagen",
                    "Grüße aus München", "Protokoll der Besprechung", "Kostenübernahme"),
            List.of("Jürgen Müller", "Müller, Jörg", "Bärbel Schröder", "Günther Weiß", "Käthe Groß")),
    FRENCH(" ", ". ", "RE: ", "Bonjour,", "Cordialement,",
            List.of("réunion", "déjà", "été", "façade", "œuvre", "très", "présentation", "reçu", "à", "où", "élève", "budget",
                    "prévu", "semaine", "prochaine", "merci", "pièce", "jointe", "dossier", "équipe", "années", "Noël", "coût",
                    "le", "la", "les", "pour", "avec", "nous", "vous", "et"),
            List.of("Réunion de lundi", "Présentation du projet", "Facture reçue", "Compte rendu de la réunion",
                    "Coût prévisionnel"),
            List.of("Zoë Dupont", "François Lefèvre", "Hélène Béranger", "Cécile Œuvray")),
    SPANISH(" ", ". ", "RE: ", "Hola,", "Saludos,",
            List.of("año", "mañana", "información", "reunión", "señor", "niño", "acción", "también", "está", "qué", "presupuesto",
                    "factura", "semana", "próxima", "gracias", "el", "la", "para", "con", "nosotros"),
            List.of("Reunión de mañana", "Información del año", "Factura pendiente", "Presupuesto aprobado"),
            List.of("José Núñez", "María Peña", "Iñaki Ibáñez")),
    RUSSIAN(" ", ". ", "Re: ", "Здравствуйте,", "С уважением,",
            List.of("привет", "встреча", "договор", "счёт", "отчёт", "проект", "неделя", "следующая", "пожалуйста", "подтвердите",
                    "вложение", "бюджет", "сервер", "почта", "перенос", "срок", "команда", "и", "в", "на", "для", "мы", "вы",
                    "это", "по", "будет"),
            List.of("Отчёт за квартал", "Встреча в понедельник", "Договор поставки", "Счёт на оплату", "Перенос почты"),
            List.of("Иван Петров", "Ольга Смирнова", "Сергей Кузнецов", "Наталья Ёлкина")),
    JAPANESE("", "。", "Re: ", "お世話になっております。", "よろしくお願いいたします。",
            List.of("会議", "資料", "確認", "お願いします", "来週", "打ち合わせ", "予定", "見積書", "契約", "報告", "担当者", "変更",
                    "添付", "ファイル", "送付", "メール", "移行", "サーバー", "日程", "調整", "について", "の", "を", "に", "は"),
            List.of("会議の件", "見積書の送付", "来週の打ち合わせについて", "契約書の確認", "メール移行のお知らせ"),
            List.of("山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲")),
    CHINESE("", "。", "回复: ", "您好，", "此致",
            List.of("会议", "报告", "请", "确认", "下周", "合同", "预算", "项目", "谢谢", "附件", "文件", "邮件", "迁移", "服务器",
                    "时间", "安排", "客户", "团队", "的", "了", "在", "我们", "关于"),
            List.of("关于下周的会议", "项目报告", "合同确认", "预算审批", "邮件迁移通知"),
            List.of("王伟", "李娜", "张敏", "刘洋"));

    private final String wordSeparator;
    private final String sentenceEnd;
    final String replyPrefix;
    final String greeting;
    final String closing;
    private final List<String> words;
    private final List<String> subjects;
    private final List<String> names;

    CorpusLanguage(String wordSeparator, String sentenceEnd, String replyPrefix, String greeting, String closing,
            List<String> words, List<String> subjects, List<String> names) {
        this.wordSeparator = wordSeparator;
        this.sentenceEnd = sentenceEnd;
        this.replyPrefix = replyPrefix;
        this.greeting = greeting;
        this.closing = closing;
        this.words = words;
        this.subjects = subjects;
        this.names = names;
    }

    /** The language whose text a message in {@code charset} carries. */
    static CorpusLanguage forCharset(String charset, SplittableRandom random) {
        switch (charset) {
        case "KOI8-R":
            return RUSSIAN;
        case "Shift_JIS":
        case "ISO-2022-JP":
            return JAPANESE;
        case "GB2312":
            return CHINESE;
        case "ISO-8859-1":
        case "ISO-8859-15":
        case "windows-1252":
            return pick(List.of(GERMAN, FRENCH, SPANISH, ENGLISH), random);
        default:
            return pick(List.of(values()), random);
        }
    }

    String subject(SplittableRandom random, Charset charset) {
        return encodable(pick(subjects, random), charset);
    }

    String name(SplittableRandom random, Charset charset) {
        return encodable(pick(names, random), charset);
    }

    /** A paragraph of 2-6 sentences whose characters all exist in {@code charset}. */
    String paragraph(SplittableRandom random, Charset charset) {
        return paragraph(random, charset, 6);
    }

    /** A paragraph of 1 to {@code maxSentences} sentences (2 or more when allowed). */
    String paragraph(SplittableRandom random, Charset charset, int maxSentences) {
        StringBuilder out = new StringBuilder();
        int sentences = maxSentences <= 2 ? maxSentences : 2 + random.nextInt(maxSentences - 1);
        for (int s = 0; s < sentences; s++) {
            int count = 5 + random.nextInt(12);
            StringBuilder sentence = new StringBuilder();
            for (int w = 0; w < count; w++) {
                if (w > 0) {
                    sentence.append(wordSeparator);
                }
                sentence.append(pick(words, random));
            }
            if (!sentence.isEmpty() && Character.isLowerCase(sentence.charAt(0))) {
                sentence.setCharAt(0, Character.toUpperCase(sentence.charAt(0)));
            }
            out.append(sentence).append(sentenceEnd);
        }
        return encodable(out.toString().trim(), charset);
    }

    /** Replaces what {@code charset} cannot encode (e.g. '€' in ISO-8859-1) by "?" as a mail client would. */
    private static String encodable(String text, Charset charset) {
        var encoder = charset.newEncoder();
        if (encoder.canEncode(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.append(encoder.canEncode(new String(Character.toChars(cp))) ? new String(Character.toChars(cp)) : "?"));
        return out.toString();
    }

    static <T> T pick(List<T> list, SplittableRandom random) {
        return list.get(random.nextInt(list.size()));
    }
}

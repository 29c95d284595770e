package dev.mailferry.ui.internal;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectorSetting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jface.fieldassist.ControlDecoration;
import org.eclipse.jface.fieldassist.FieldDecorationRegistry;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

/**
 * A form drawn from a connector's settings description ({@link ConnectorSetting}): one field per setting, of the kind
 * its type asks for (a password field for a secret, a drop-down for a choice...), checked on every change with the
 * same {@link ConnectorSetting#validate} the command line uses. So a connector installed later gets its form with no
 * change here. A wrong value is marked at its field and named in one sentence.
 */
final class SettingsForm {

    /** One field: the setting it edits and its widget (a Text, a read-only Combo or a check box). */
    private record Field(ConnectorSetting setting, Control control, ControlDecoration decoration) {
    }

    private final Composite composite;
    private final Map<String, Field> fields = new LinkedHashMap<>();

    /**
     * @param settings every setting to show, in order; at most one of type SECRET is expected (an endpoint has one)
     * @param current  the values to show first (an endpoint's settings); a setting without one shows its default
     * @param changed  called after every change of a field, with the setting's key
     * @param focused  called with the help of the field that gets the focus
     */
    SettingsForm(Composite parent, List<ConnectorSetting> settings, Map<String, String> current, Consumer<String> changed,
            Consumer<String> focused) {
        composite = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(3).spacing(8, 4).applyTo(composite);
        for (ConnectorSetting setting : settings) {
            Label label = new Label(composite, SWT.NONE);
            label.setText(setting.label() + (setting.required() ? " *" : "") + ":");
            label.setToolTipText(setting.help());
            Control control = createControl(setting, current.get(setting.key()));
            control.setToolTipText(setting.help());
            control.setData("setting", setting.key());
            ControlDecoration decoration = new ControlDecoration(control, SWT.LEFT | SWT.TOP);
            decoration.setImage(FieldDecorationRegistry.getDefault().getFieldDecoration(FieldDecorationRegistry.DEC_ERROR)
                    .getImage());
            decoration.hide();
            fields.put(setting.key(), new Field(setting, control, decoration));
            if (setting.type() == ConnectorSetting.Type.FILE) {
                Button browse = new Button(composite, SWT.PUSH);
                browse.setText("Browse...");
                browse.addListener(SWT.Selection, e -> {
                    String chosen = new FileDialog(composite.getShell(), SWT.OPEN).open();
                    if (chosen != null) {
                        ((Text) control).setText(chosen);
                    }
                });
            } else {
                GridDataFactory.fillDefaults().span(2, 1).grab(true, false).indent(6, 0).applyTo(control);
            }
            if (setting.type() == ConnectorSetting.Type.FILE) {
                GridDataFactory.fillDefaults().grab(true, false).indent(6, 0).applyTo(control);
            }
            control.addListener(control instanceof Text ? SWT.Modify : SWT.Selection, e -> changed.accept(setting.key()));
            control.addListener(SWT.FocusIn, e -> focused.accept(setting.label() + ": " + setting.help()));
        }
    }

    private Control createControl(ConnectorSetting setting, String value) {
        switch (setting.type()) {
            case CHOICE: {
                Combo combo = new Combo(composite, SWT.DROP_DOWN | SWT.READ_ONLY);
                if (offersNone(setting)) {
                    combo.add(""); // an optional choice without a default may stay unset
                }
                for (String choice : setting.choices()) {
                    combo.add(choice);
                }
                String shown = value != null ? value : setting.defaultValue();
                int index = shown == null ? -1 : combo.indexOf(shown);
                combo.select(Math.max(index, 0));
                return combo;
            }
            case BOOLEAN: {
                Button check = new Button(composite, SWT.CHECK);
                check.setSelection(Boolean.parseBoolean(value != null ? value : setting.defaultValue()));
                return check;
            }
            default: {
                Text text = new Text(composite, SWT.BORDER | SWT.SINGLE
                        | (setting.type() == ConnectorSetting.Type.SECRET ? SWT.PASSWORD : SWT.NONE));
                if (setting.defaultValue() != null) {
                    text.setMessage("default: " + setting.defaultValue());
                } else if (setting.type() == ConnectorSetting.Type.SECRET) {
                    text.setMessage("kept in the secret store, never in the project");
                }
                if (value != null && setting.type() != ConnectorSetting.Type.SECRET) {
                    text.setText(value);
                }
                return text;
            }
        }
    }

    Composite control() {
        return composite;
    }

    /** The field of this setting, or null. */
    Control field(String key) {
        Field field = fields.get(key);
        return field == null ? null : field.control();
    }

    /** The first setting of this type, if the form shows one. */
    Optional<ConnectorSetting> first(ConnectorSetting.Type type) {
        return fields.values().stream().map(Field::setting).filter(s -> s.type() == type).findFirst();
    }

    /** Shows {@code value} in the setting's field (a choice it does not list is left as it is). */
    void set(String key, String value) {
        Field field = fields.get(key);
        if (field == null) {
            return;
        }
        if (field.control() instanceof Text text) {
            text.setText(value == null ? "" : value);
        } else if (field.control() instanceof Combo combo) {
            int index = value == null ? -1 : combo.indexOf(value);
            if (index >= 0) {
                combo.select(index);
                combo.notifyListeners(SWT.Selection, null);
            }
        } else if (field.control() instanceof Button check) {
            check.setSelection(Boolean.parseBoolean(value));
            check.notifyListeners(SWT.Selection, null);
        }
    }

    /** What the field of {@code key} holds, as typed; null when the form has no such field. */
    String raw(String key) {
        Field field = fields.get(key);
        if (field == null) {
            return null;
        }
        if (field.control() instanceof Text text) {
            return text.getText();
        }
        if (field.control() instanceof Combo combo) {
            return combo.getText();
        }
        return Boolean.toString(((Button) field.control()).getSelection());
    }

    /**
     * What the form says, checked field by field.
     *
     * @param connectorId the endpoint's connector
     * @return the endpoint (secrets left out), the secret typed (empty when none), and the problems: the first wrong
     *         value, or which required field is still empty
     */
    Reading read(String connectorId) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> wrong = new ArrayList<>();
        String missing = null;
        String secret = "";
        for (Field field : fields.values()) {
            ConnectorSetting setting = field.setting();
            String raw = raw(setting.key());
            if (setting.type() == ConnectorSetting.Type.SECRET) {
                secret = raw;
                field.decoration().hide();
                continue;
            }
            if (raw.isBlank() && setting.required()) {
                missing = missing != null ? missing : setting.label();
                field.decoration().hide();
                continue;
            }
            try {
                String value = setting.validate(raw);
                if (value != null && !(field.control() instanceof Button && value.equals(defaultOf(setting)))) {
                    values.put(setting.key(), value);
                }
                field.decoration().hide();
            } catch (IllegalArgumentException e) {
                String reason = setting.label() + ": " + e.getMessage().replace("Setting '" + setting.key() + "' must be",
                        "must be");
                wrong.add(reason);
                field.decoration().setDescriptionText(reason);
                field.decoration().show();
            }
        }
        return new Reading(new Endpoint(connectorId, values), secret, wrong.isEmpty() ? null : wrong.get(0), missing);
    }

    private static boolean offersNone(ConnectorSetting setting) {
        return !setting.required() && setting.defaultValue() == null;
    }

    private static String defaultOf(ConnectorSetting setting) {
        return setting.defaultValue() == null ? "false" : setting.defaultValue();
    }

    /**
     * @param endpoint what would be saved
     * @param secret   the secret typed, as typed (empty: keep the stored one)
     * @param problem  the first wrong value, for people, or null
     * @param missing  the label of the first required field still empty, or null
     */
    record Reading(Endpoint endpoint, String secret, String problem, String missing) {
    }
}

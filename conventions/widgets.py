"""Form widgets."""

from html import escape

from django import forms
from django.utils.choices import CallableChoiceIterator
from django.utils.safestring import mark_safe

# The attributes of a select static/js/searchable_select.js turns into a search box over its
# choices, used with the keyboard (type, arrows, Enter, Backspace) as well as the mouse.
SEARCHABLE = {"data-searchable-select": True}


def printed(value) -> str:
    """A value as a template prints it: escaped, unless it is already safe HTML."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: in their order, True as a bare name, False left out."""
    return "".join(
        f" {printed(name)}" if value is True else f' {printed(name)}="{printed(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """Django's select, written in Python rather than through one template per option: the
    same HTML (tests/test_widgets.py), many times faster. The filter panel of the conventions
    list offers some 600 options (partners, territories, themes, audiences): 70 ms through the
    templates, 3 ms here."""

    def render(self, name, value, attrs=None, renderer=None):
        # As Select.get_context() and ChoiceWidget.optgroups(), without a dict per option.
        select_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            select_attrs["multiple"] = True
        values = self.format_value(value)
        has_selected = False
        html = [f'<select name="{printed(name)}"{attributes(select_attrs)}>']
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                group, choices = option_value, option_label
                html.append(f'\n  <optgroup label="{printed(group)}">')
            else:
                group = None
                choices = [("" if option_value is None else option_value, option_label)]
            for choice_value, label in choices:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    choice_value
                ) in values
                has_selected |= selected
                html.append(
                    f'\n  <option value="{printed(choice_value)}"'
                    f"{' selected' if selected else ''}>{printed(label)}</option>"
                )
            if group is not None:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))


class ReadOnce(CallableChoiceIterator):
    """Choices computed by `func` when first read, then kept (for one form: forms copy their
    widgets). A select reads its first choice to decide on `required` before writing them all,
    which would run the query of a plain callable twice."""

    def __init__(self, func):
        super().__init__(func)
        self.choices = None

    def __iter__(self):
        if self.choices is None:
            self.choices = list(self.func())
        return iter(self.choices)


class FastInputMixin:
    """Django's input (text, date, number...), written in Python as FastSelect: the convention
    page holds a follow-up form per action, 30 or more."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = "" if widget["value"] is None else f' value="{printed(widget["value"])}"'
        return mark_safe(
            f'<input type="{printed(widget["type"])}" name="{printed(name)}"{value}'
            f"{attributes(widget['attrs'])}>"
        )


class FastTextarea(forms.Textarea):
    """Django's textarea, written in Python as FastSelect."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        return mark_safe(
            f'<textarea name="{printed(name)}"{attributes(widget["attrs"])}>\n'
            f"{printed(widget['value'] or '')}</textarea>"
        )

# Generated from templates/ by `make templates` (jinja2); do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_classes.d2.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_paint = l_0_label_fill = missing
    try:
        t_1 = environment.filters['default']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'default' found.")
    pass
    def macro(l_1_fill, l_1_stroke, l_1_font):
        t_2 = []
        l_1_palette = resolve('palette')
        if l_1_fill is missing:
            l_1_fill = undefined("parameter 'fill' was not provided", name='fill')
        if l_1_stroke is missing:
            l_1_stroke = undefined("parameter 'stroke' was not provided", name='stroke')
        if l_1_font is missing:
            l_1_font = undefined("parameter 'font' was not provided", name='font')
        pass
        if (undefined(name='palette') if l_1_palette is missing else l_1_palette):
            pass
            if l_1_fill:
                pass
                t_2.extend((
                    'fill: "',
                    str(l_1_fill),
                    '"; ',
                ))
            if l_1_stroke:
                pass
                t_2.extend((
                    'stroke: "',
                    str(l_1_stroke),
                    '"; ',
                ))
            if l_1_font:
                pass
                t_2.extend((
                    'font-color: "',
                    str(l_1_font),
                    '"; ',
                ))
        return concat(t_2)
    context.exported_vars.add('paint')
    context.vars['paint'] = l_0_paint = Macro(environment, macro, 'paint', ('fill', 'stroke', 'font'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_3 = []
        l_1_palette = resolve('palette')
        l_1_dark_theme_id = resolve('dark_theme_id')
        pass
        if ((undefined(name='palette') if l_1_palette is missing else l_1_palette) and (not t_1((undefined(name='dark_theme_id') if l_1_dark_theme_id is missing else l_1_dark_theme_id), None))):
            pass
            t_3.append(
                'fill: "#FFFFFF"; ',
            )
        return concat(t_3)
    context.exported_vars.add('label_fill')
    context.vars['label_fill'] = l_0_label_fill = Macro(environment, macro, 'label_fill', (), False, False, False, context.eval_ctx.autoescape)
    yield 'classes: {\n  vnet: { grid-gap: 24; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#EAF3FB', '#0078D4', '#0B3A6B'))
    yield 'stroke-width: 2; font-size: 26 } }\n  subnet: { grid-gap: 24; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#F7FBFF', '#4A90D9', '#0B3A6B'))
    yield 'font-size: 24 } }\n  pool: { grid-gap: 20; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FFFFFF', '#6B6B6B', '#222222'))
    yield 'stroke-dash: 3; font-size: 22 } }\n  node: { label.near: top-right; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FFFFFF', '#0078D4', '#111111'))
    yield 'font-size: 24; bold: true } }\n  pods_vnet: { style: { fill: "#D7F0EC"; stroke: "#00827A"; font-color: "#003D38"; font-size: 22 } }\n  pods_overlay: { style: { fill: "#EBD9F5"; stroke: "#8A3FB8"; font-color: "#2E1240"; font-size: 22 } }\n  pods_cni: { style: { fill: "#FFE8BF"; stroke: "#B36B00"; font-color: "#4D2E00"; font-size: 22 } }\n  more: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#F2F2F2', '#9B9B9B', '#333333'))
    yield 'stroke-dash: 2; font-size: 22; italic: true } }\n  routetable: { grid-gap: 12; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FFF8E1', '#C99700', '#4D3A00'))
    yield 'font-size: 22; font: mono } }\n  route: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FFFFFF', '#C99700', '#222222'))
    yield 'font-size: 22; font: mono } }\n  nsg: { icon.near: center-left; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FDECEA', '#B8322A', '#5C1712'))
    yield 'font-size: 22 } }\n  services: { grid-gap: 12; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#F4F4F4', '#6B6B6B', '#333333'))
    yield 'stroke-dash: 2; font-size: 22 } }\n  svcip: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FFFFFF', '#6B6B6B', '#222222'))
    yield 'stroke-dash: 2; font-size: 22 } }\n  lb: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#E6F2FF', '#0078D4', '#0B3A6B'))
    yield 'font-size: 22 } }\n  natgw: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FFF0E0', '#C85A00', '#5C2A00'))
    yield 'font-size: 22 } }\n  firewall: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FDECEA', '#B8322A', '#5C1712'))
    yield 'font-size: 22 } }\n  internet: { shape: cloud; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FFFFFF', '#6B6B6B', '#222222'))
    yield 'font-size: 24 } }\n  api: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#E9F5E9', '#107C10', '#0B3D0B'))
    yield 'font-size: 22 } }\n  endpoint: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#E9F5E9', '#107C10', '#0B3D0B'))
    yield 'font-size: 22 } }\n  table: { grid-gap: 10; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FAFAFA', '#9B9B9B', '#222222'))
    yield 'font-size: 24 } }\n  cell: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FFFFFF', '#9B9B9B', '#222222'))
    yield 'font-size: 22 } }\n  head: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#E8E8E8', '#9B9B9B', '#111111'))
    yield 'font-size: 22; bold: true } }\n  text: { shape: text; style: { font-size: 22 } }\n  frame: { style: { fill: transparent; stroke-width: 0 } }\n  hub: { grid-gap: 24; style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#EEF1F8', '#3B4B8C', '#1B2550'))
    yield 'stroke-width: 2; font-size: 26 } }\n  gateway: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#FFFFFF', '#3B4B8C', '#1B2550'))
    yield 'font-size: 22 } }\n  onprem: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#F3F0EA', '#6B5B3E', '#3A2F1C'))
    yield 'stroke-width: 2; font-size: 22 } }\n  dnszone: { style: { '
    yield str(context.call((undefined(name='paint') if l_0_paint is missing else l_0_paint), '#E9F5E9', '#107C10', '#0B3D0B'))
    yield 'stroke-dash: 3; font-size: 22 } }\n  unsupported: { style: { stroke: "#D00000"; stroke-width: 4; stroke-dash: 0; font-color: "#A00000" } }\n  drift: { style: { stroke: "#D00000"; stroke-width: 3; font-color: "#A00000"; fill: "#FFF0F0" } }\n\n  pod_path: { style: { '
    yield str(context.call((undefined(name='label_fill') if l_0_label_fill is missing else l_0_label_fill)))
    yield 'stroke: "#0078D4"; stroke-width: 4; font-color: "#0078D4"; font-size: 24; bold: true } }\n  snat: { style: { '
    yield str(context.call((undefined(name='label_fill') if l_0_label_fill is missing else l_0_label_fill)))
    yield 'stroke: "#C85A00"; stroke-width: 3; stroke-dash: 6; font-color: "#C85A00"; font-size: 22 } }\n  egress: { style: { '
    yield str(context.call((undefined(name='label_fill') if l_0_label_fill is missing else l_0_label_fill)))
    yield 'stroke: "#C85A00"; stroke-width: 3; font-color: "#C85A00"; font-size: 22 } }\n  control: { style: { '
    yield str(context.call((undefined(name='label_fill') if l_0_label_fill is missing else l_0_label_fill)))
    yield 'stroke: "#2E8B2E"; stroke-width: 2; stroke-dash: 8; font-color: "#2E8B2E"; font-size: 22 } }\n  assoc: { style: { '
    yield str(context.call((undefined(name='label_fill') if l_0_label_fill is missing else l_0_label_fill)))
    yield 'stroke: "#767676"; stroke-width: 2; font-color: "#767676"; font-size: 22 } }\n  peering: { style: { '
    yield str(context.call((undefined(name='label_fill') if l_0_label_fill is missing else l_0_label_fill)))
    yield 'stroke: "#3B4B8C"; stroke-width: 3; stroke-dash: 4; font-color: "#3B4B8C"; font-size: 22 } }\n}\n'

blocks = {}
debug_info = '10=18&11=28&12=30&13=37&14=44&20=54&21=59&24=68&25=70&26=72&27=74&31=76&32=78&33=80&34=82&35=84&36=86&37=88&38=90&39=92&40=94&41=96&42=98&43=100&44=102&45=104&48=106&49=108&50=110&51=112&55=114&56=116&57=118&58=120&59=122&60=124'